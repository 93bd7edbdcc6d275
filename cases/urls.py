"""A case's pages but the case page itself and its quick-add forms (casework/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case-list"),
    path("new/", views.CaseCreateView.as_view(), name="case-create"),
    path("people/merge/", views.PeopleMergeView.as_view(), name="people-merge"),
    path("<id:pk>/timeline/", views.CaseTimelineView.as_view(), name="case-timeline"),
    path("<id:pk>/edit/", views.CaseEditView.as_view(), name="case-edit"),
    path("<id:pk>/close/", views.CaseCloseView.as_view(), name="case-close"),
    path("<id:pk>/reopen/", views.CaseReopenView.as_view(), name="case-reopen"),
    path(
        "<id:pk>/witness-care-officer/",
        views.AssignWitnessCareOfficerView.as_view(),
        name="assign-wco",
    ),
    path(
        "<id:pk>/events/<id:event_pk>/withdraw/",
        views.EventWithdrawView.as_view(),
        name="event-withdraw",
    ),
    path("<id:pk>/people/new/", views.PartyAddView.as_view(), name="party-add"),
    path("<id:pk>/people/<id:party_pk>/edit/", views.PersonEditView.as_view(), name="person-edit"),
    path(
        "<id:pk>/people/<id:party_pk>/safe-contact/",
        views.SafeContactView.as_view(),
        name="safe-contact",
    ),
    path(
        "<id:pk>/people/<id:party_pk>/eligibility/",
        views.BasisView.as_view(),
        name="basis-record",
    ),
    path(
        "<id:pk>/people/<id:party_pk>/needs/",
        views.NeedsAssessmentView.as_view(),
        name="needs-assessment",
    ),
    path(
        "<id:pk>/people/<id:party_pk>/updates/",
        views.UpdateAgreementView.as_view(),
        name="update-agreement",
    ),
    path(
        "<id:pk>/people/<id:party_pk>/risk/",
        views.RiskAssessmentView.as_view(),
        name="risk-assessment",
    ),
    path(
        "<id:pk>/people/<id:party_pk>/special-measures/",
        views.SpecialMeasuresView.as_view(),
        name="special-measures",
    ),
    path("<id:pk>/people/<id:party_pk>/vps/", views.VpsView.as_view(), name="vps"),
    path(
        "<id:pk>/people/<id:party_pk>/witness-care/",
        views.WitnessCareView.as_view(),
        name="witness-care",
    ),
]
