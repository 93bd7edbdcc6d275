from django.urls import path

from . import views

urlpatterns = [
    path("", views.SampleListView.as_view(), name="assurance-samples"),
    path("new/", views.SampleCreateView.as_view(), name="assurance-sample-create"),
    path("<id:pk>/", views.SampleDetailView.as_view(), name="assurance-sample"),
    path("<id:pk>/close/", views.SampleCloseView.as_view(), name="assurance-sample-close"),
    path("<id:pk>/results/", views.ResultsView.as_view(), name="assurance-results"),
    path(
        "<id:pk>/cases/<id:case_pk>/review/",
        views.ReviewView.as_view(),
        name="assurance-review",
    ),
]
