from django.urls import path

from . import views

urlpatterns = [
    path("cases/<id:case_pk>/handovers/", views.HandOverList.as_view(), name="api-handover-list"),
    path(
        "cases/<id:case_pk>/handovers/<id:pk>/",
        views.HandOverDetail.as_view(),
        name="api-handover-detail",
    ),
    path(
        "cases/<id:case_pk>/handovers/<id:pk>/accept/",
        views.HandOverAccept.as_view(),
        name="api-handover-accept",
    ),
    path(
        "cases/<id:case_pk>/handovers/<id:pk>/return/",
        views.HandOverReturn.as_view(),
        name="api-handover-return",
    ),
]
