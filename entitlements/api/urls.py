from django.urls import path

from cases.api import converters  # noqa: F401  (registers <id:...>)

from . import edition_views, views

urlpatterns = [
    path("editions/", edition_views.EditionListView.as_view(), name="api-edition-list"),
    path("editions/<id:pk>/", edition_views.EditionDetailView.as_view(), name="api-edition-detail"),
    path(
        "editions/<id:pk>/rules/<id:rule_pk>/",
        edition_views.RuleView.as_view(),
        name="api-edition-rule",
    ),
    path(
        "editions/<id:pk>/schedule/",
        edition_views.EditionScheduleView.as_view(),
        name="api-edition-schedule",
    ),
    path(
        "cases/<id:case_pk>/obligations/",
        views.CaseDutyListView.as_view(),
        name="api-case-obligations",
    ),
    path("obligations/", views.DutyListView.as_view(), name="api-obligation-list"),
    path("obligations/<id:pk>/", views.DutyDetailView.as_view(), name="api-obligation-detail"),
    path(
        "obligations/<id:pk>/meet/",
        views.DutyMeetView.as_view(),
        name="api-obligation-meet",
    ),
    path(
        "obligations/<id:pk>/decline/",
        views.DutyDeclineView.as_view(),
        name="api-obligation-decline",
    ),
    path(
        "obligations/<id:pk>/not-applicable/",
        views.DutyNotApplicableView.as_view(),
        name="api-obligation-not-applicable",
    ),
    path(
        "obligations/<id:pk>/waive/",
        views.DutyWaiveView.as_view(),
        name="api-obligation-waive",
    ),
]
