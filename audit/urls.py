from django.urls import path

from . import views

urlpatterns = [
    path("", views.AuditSearchView.as_view(), name="audit-events"),
    path(
        "restricted/<id:pk>/reason/",
        views.RestrictedReasonView.as_view(),
        name="audit-reason",
    ),
]
