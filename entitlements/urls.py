from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:pk>/duties/<int:duty_pk>/", views.DutyView.as_view(), name="duty"),
    path(
        "cases/<int:pk>/people/<int:party_pk>/acknowledgement/",
        views.AcknowledgementView.as_view(),
        name="acknowledgement",
    ),
    path(
        "cases/<int:pk>/people/<int:party_pk>/your-rights/",
        views.YourRightsView.as_view(),
        name="your-rights",
    ),
    path("guidance/", views.GuidanceView.as_view(), name="guidance"),
]
