from django.urls import path

from . import views

urlpatterns = [
    path(
        "cases/<id:pk>/people/<id:party_pk>/refer/",
        views.NewReferralView.as_view(),
        name="referral-new",
    ),
    path(
        "cases/<id:pk>/referrals/<id:referral_pk>/",
        views.ReferralView.as_view(),
        name="referral",
    ),
    path(
        "referrals/shared-without-consent/",
        views.SharedWithoutConsentView.as_view(),
        name="referrals-without-consent",
    ),
    path("agency/referrals/", views.AgencyWorklistView.as_view(), name="agency-referrals"),
    path(
        "agency/referrals/<id:pk>/",
        views.AgencyReferralView.as_view(),
        name="agency-referral",
    ),
]
