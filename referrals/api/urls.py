from django.urls import path

from cases.api import converters  # noqa: F401  (registers <id:...>)

from . import reference, views

urlpatterns = [
    path("agencies/", reference.AgencyListView.as_view(), name="api-agency-list"),
    path("agencies/<id:pk>/", reference.AgencyDetailView.as_view(), name="api-agency-detail"),
    path("referrals/", views.ReferralListCreateView.as_view(), name="api-referral-list"),
    path("referrals/<id:pk>/", views.ReferralDetailView.as_view(), name="api-referral-detail"),
    path("referrals/<id:pk>/accept/", views.AcceptView.as_view(), name="api-referral-accept"),
    path("referrals/<id:pk>/decline/", views.DeclineView.as_view(), name="api-referral-decline"),
    path("referrals/<id:pk>/return/", views.ReturnView.as_view(), name="api-referral-return"),
    path("referrals/<id:pk>/start/", views.StartView.as_view(), name="api-referral-start"),
    path("referrals/<id:pk>/close/", views.CloseView.as_view(), name="api-referral-close"),
    path("referrals/<id:pk>/updates/", views.UpdateView.as_view(), name="api-referral-updates"),
    path("referrals/<id:pk>/send/", views.SendView.as_view(), name="api-referral-send"),
    path("referrals/<id:pk>/withdraw/", views.WithdrawView.as_view(), name="api-referral-withdraw"),
    path(
        "referrals/<id:pk>/withdraw-consent/",
        views.WithdrawConsentView.as_view(),
        name="api-referral-withdraw-consent",
    ),
]
