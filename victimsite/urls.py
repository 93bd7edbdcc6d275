from django.urls import path

from . import views

urlpatterns = [
    path("language/", views.switch_language, name="victim-language"),
]
