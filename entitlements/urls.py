from django.urls import path

from . import views

urlpatterns = [
    path("duties/", views.MyDutiesView.as_view(), name="my-duties"),
    path("duties/cannot-reach/", views.CannotReachView.as_view(), name="cannot-reach"),
    path("cases/<id:pk>/duties/<id:duty_pk>/", views.DutyView.as_view(), name="duty"),
    path(
        "cases/<id:pk>/people/<id:party_pk>/acknowledgement/",
        views.AcknowledgementView.as_view(),
        name="acknowledgement",
    ),
    path(
        "cases/<id:pk>/people/<id:party_pk>/acknowledgement.pdf",
        views.AcknowledgementPdfView.as_view(),
        name="acknowledgement-pdf",
    ),
    path(
        "cases/<id:pk>/people/<id:party_pk>/your-rights/",
        views.YourRightsView.as_view(),
        name="your-rights",
    ),
    path(
        "cases/<id:pk>/people/<id:party_pk>/your-rights.pdf",
        views.YourRightsPdfView.as_view(),
        name="your-rights-pdf",
    ),
    path("guidance/", views.GuidanceView.as_view(), name="guidance"),
]
