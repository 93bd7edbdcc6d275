from django.urls import path

from . import views

urlpatterns = [
    path("compliance/return/", views.ReturnApiView.as_view(), name="api-compliance-return"),
]
