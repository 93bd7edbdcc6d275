from django.urls import path

from . import views

urlpatterns = [
    path(
        "cases/<int:case_pk>/obligations/",
        views.CaseDutyListView.as_view(),
        name="api-case-obligations",
    ),
    path("obligations/", views.DutyListView.as_view(), name="api-obligation-list"),
    path("obligations/<int:pk>/", views.DutyDetailView.as_view(), name="api-obligation-detail"),
    path(
        "obligations/<int:pk>/meet/",
        views.DutyMeetView.as_view(),
        name="api-obligation-meet",
    ),
    path(
        "obligations/<int:pk>/decline/",
        views.DutyDeclineView.as_view(),
        name="api-obligation-decline",
    ),
    path(
        "obligations/<int:pk>/not-applicable/",
        views.DutyNotApplicableView.as_view(),
        name="api-obligation-not-applicable",
    ),
    path(
        "obligations/<int:pk>/waive/",
        views.DutyWaiveView.as_view(),
        name="api-obligation-waive",
    ),
]
