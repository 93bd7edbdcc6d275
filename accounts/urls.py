from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .two_factor import views as two_factor_views
from .two_factor.middleware import second_factor_not_required

urlpatterns = [
    path("teams/", views.TeamListView.as_view(), name="team-list"),
    path("teams/<id:pk>/", views.TeamDetailView.as_view(), name="team-detail"),
    path("account/", views.ProfileView.as_view(), name="profile"),
    path(
        "account/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path(
        "account/logout/",
        second_factor_not_required(auth_views.LogoutView.as_view()),
        name="logout",
    ),
    path(
        "account/two-factor/",
        two_factor_views.VerifyView.as_view(),
        name="two-factor-verify",
    ),
    path(
        "account/two-factor/set-up/",
        two_factor_views.EnrolView.as_view(),
        name="two-factor-enrol",
    ),
    path(
        "account/two-factor/recovery-codes/",
        two_factor_views.RecoveryCodesView.as_view(),
        name="two-factor-recovery-codes",
    ),
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
