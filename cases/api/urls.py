from django.urls import path

from cases.api import converters  # noqa: F401  (registers <id:...>)

from . import reference, views

urlpatterns = [
    path("cases/", views.CaseListCreateView.as_view(), name="api-case-list"),
    path("cases/<id:pk>/", views.CaseDetailView.as_view(), name="api-case-detail"),
    path("cases/<id:pk>/close/", views.CaseCloseView.as_view(), name="api-case-close"),
    path("cases/<id:pk>/reopen/", views.CaseReopenView.as_view(), name="api-case-reopen"),
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
    path(
        "cases/<id:case_pk>/vps-offers/",
        views.VpsOfferListCreateView.as_view(),
        name="api-case-vps-offers",
    ),
    path("people/<id:pk>/", views.PersonDetailView.as_view(), name="api-person-detail"),
    path("people/matches/", views.PersonMatchView.as_view(), name="api-person-matches"),
    path("people/merges/", views.PersonMergeView.as_view(), name="api-person-merges"),
    # Reference data the writes above take by id or code.
    path("offences/", reference.OffenceListView.as_view(), name="api-offence-list"),
    path("offences/<id:pk>/", reference.OffenceDetailView.as_view(), name="api-offence-detail"),
    path(
        "contact-outcomes/",
        reference.ContactOutcomeListView.as_view(),
        name="api-contact-outcome-list",
    ),
    path(
        "contact-outcomes/<slug:code>/",
        reference.ContactOutcomeDetailView.as_view(),
        name="api-contact-outcome-detail",
    ),
    path("outcomes/", reference.OutcomeListView.as_view(), name="api-outcome-list"),
    path(
        "outcomes/<slug:outcome>/", reference.OutcomeDetailView.as_view(), name="api-outcome-detail"
    ),
    path("event-kinds/", reference.EventKindListView.as_view(), name="api-event-kind-list"),
    path(
        "event-kinds/<slug:kind>/",
        reference.EventKindDetailView.as_view(),
        name="api-event-kind-detail",
    ),
]
