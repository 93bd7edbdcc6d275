from django.urls import path

from . import edition_views, views

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
    path("code/editions/", edition_views.EditionListView.as_view(), name="editions"),
    path("code/editions/<id:pk>/", edition_views.EditionDetailView.as_view(), name="edition"),
    path(
        "code/editions/<id:pk>/copy/",
        edition_views.EditionCopyView.as_view(),
        name="edition-copy",
    ),
    path(
        "code/editions/<id:pk>/rights/<id:right_pk>/",
        edition_views.DraftRightView.as_view(),
        name="edition-right",
    ),
    path(
        "code/editions/<id:pk>/rules/new/",
        edition_views.DraftRuleAddView.as_view(),
        name="edition-rule-add",
    ),
    path(
        "code/editions/<id:pk>/rules/<id:rule_pk>/remove/",
        edition_views.DraftRuleRemoveView.as_view(),
        name="edition-rule-remove",
    ),
    path(
        "code/editions/<id:pk>/rules/<id:rule_pk>/",
        edition_views.DraftRuleView.as_view(),
        name="edition-rule",
    ),
    path(
        "code/editions/<id:pk>/schedule/",
        edition_views.EditionScheduleView.as_view(),
        name="edition-schedule",
    ),
    path(
        "code/editions/<id:pk>/withdraw/",
        edition_views.EditionWithdrawView.as_view(),
        name="edition-withdraw",
    ),
    path(
        "code/editions/<id:pk>/discard/",
        edition_views.EditionDiscardView.as_view(),
        name="edition-discard",
    ),
    path(
        "code/editions/<id:pk>/edition.json",
        edition_views.EditionExportView.as_view(),
        name="edition-export",
    ),
]
