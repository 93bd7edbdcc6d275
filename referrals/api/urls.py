from django.urls import path

from . import views

urlpatterns = [
    path("referrals/", views.ReferralListCreateView.as_view(), name="api-referral-list"),
    path("referrals/<int:pk>/", views.ReferralDetailView.as_view(), name="api-referral-detail"),
    path("referrals/<int:pk>/accept/", views.AcceptView.as_view(), name="api-referral-accept"),
    path("referrals/<int:pk>/decline/", views.DeclineView.as_view(), name="api-referral-decline"),
    path("referrals/<int:pk>/return/", views.ReturnView.as_view(), name="api-referral-return"),
    path("referrals/<int:pk>/start/", views.StartView.as_view(), name="api-referral-start"),
    path("referrals/<int:pk>/close/", views.CloseView.as_view(), name="api-referral-close"),
    path("referrals/<int:pk>/updates/", views.UpdateView.as_view(), name="api-referral-updates"),
    path("referrals/<int:pk>/send/", views.SendView.as_view(), name="api-referral-send"),
    path(
        "referrals/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="api-referral-withdraw"
    ),
    path(
        "referrals/<int:pk>/withdraw-consent/",
        views.WithdrawConsentView.as_view(),
        name="api-referral-withdraw-consent",
    ),
]
