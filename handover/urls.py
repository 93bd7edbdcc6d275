from django.urls import path

from . import views

urlpatterns = [
    path("cases/<id:pk>/handover/", views.SendView.as_view(), name="handover-send"),
    path(
        "cases/<id:pk>/handovers/<id:handover_pk>/",
        views.HandOverView.as_view(),
        name="handover",
    ),
    path(
        "cases/<id:pk>/handovers/<id:handover_pk>/accept/",
        views.AcceptView.as_view(),
        name="handover-accept",
    ),
    path(
        "cases/<id:pk>/handovers/<id:handover_pk>/return/",
        views.ReturnView.as_view(),
        name="handover-return",
    ),
    path("handovers/", views.IncomingView.as_view(), name="handover-incoming"),
]
