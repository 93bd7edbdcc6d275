from django.urls import path

from cases.api import converters  # noqa: F401  (registers <id:...>)

from . import views

urlpatterns = [
    path("cases/", views.CaseListCreateView.as_view(), name="api-case-list"),
    path("cases/<id:pk>/", views.CaseDetailView.as_view(), name="api-case-detail"),
    path(
        "cases/<id:case_pk>/parties/",
        views.PartyListCreateView.as_view(),
        name="api-case-parties",
    ),
    path(
        "cases/<id:case_pk>/contacts/",
        views.ContactListCreateView.as_view(),
        name="api-case-contacts",
    ),
    path(
        "cases/<id:case_pk>/events/",
        views.EventListCreateView.as_view(),
        name="api-case-events",
    ),
    path(
        "cases/<id:case_pk>/events/<id:pk>/withdraw/",
        views.EventWithdrawView.as_view(),
        name="api-case-event-withdraw",
    ),
    path(
        "cases/<id:case_pk>/needs-assessments/",
        views.NeedsAssessmentListCreateView.as_view(),
        name="api-case-needs-assessments",
    ),
    path(
        "cases/<id:case_pk>/risk-assessments/",
        views.RiskAssessmentListCreateView.as_view(),
        name="api-case-risk-assessments",
    ),
    path(
        "cases/<id:case_pk>/update-agreements/",
        views.UpdateAgreementListCreateView.as_view(),
        name="api-case-update-agreements",
    ),
    path("people/<id:pk>/", views.PersonDetailView.as_view(), name="api-person-detail"),
]
