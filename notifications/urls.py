from django.urls import path

from . import views

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notification-list"),
    path("settings/", views.PreferenceView.as_view(), name="notification-preferences"),
    path("sent/", views.SentView.as_view(), name="notification-sent"),
]
