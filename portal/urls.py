from django.urls import path

from . import views

# The person's pages, under /track/ (victimcare/urls.py); the officer's page, on the case.
victim_urlpatterns = [
    path("", views.home, name="track-home"),
    path("open/<str:token>/", views.open_link, name="track-open"),
    path("verify/", views.VerifyView.as_view(), name="track-verify"),
    path("message/", views.message, name="track-message"),
    path("preferences/", views.preferences, name="track-preferences"),
    path("confirm/", views.confirm_in_session, name="track-confirm-here"),
    path("news/<str:token>/", views.confirm_news, name="track-confirm"),
    path("sign-out/", views.sign_out, name="track-sign-out"),
]

staff_urlpatterns = [
    path("cases/<int:pk>/track/", views.CasePortalView.as_view(), name="portal-case"),
]
