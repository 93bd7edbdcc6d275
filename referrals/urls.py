from django.urls import path

from . import views

urlpatterns = [
    path(
        "cases/<int:pk>/people/<int:party_pk>/refer/",
        views.NewReferralView.as_view(),
        name="referral-new",
    ),
    path(
        "cases/<int:pk>/referrals/<int:referral_pk>/",
        views.ReferralView.as_view(),
        name="referral",
    ),
    path("agency/referrals/", views.AgencyWorklistView.as_view(), name="agency-referrals"),
    path(
        "agency/referrals/<int:pk>/",
        views.AgencyReferralView.as_view(),
        name="agency-referral",
    ),
]
