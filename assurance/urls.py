from django.urls import path

from . import views

urlpatterns = [
    path("", views.SampleListView.as_view(), name="assurance-samples"),
    path("new/", views.SampleCreateView.as_view(), name="assurance-sample-create"),
    path("<int:pk>/", views.SampleDetailView.as_view(), name="assurance-sample"),
    path("<int:pk>/close/", views.SampleCloseView.as_view(), name="assurance-sample-close"),
    path("<int:pk>/results/", views.ResultsView.as_view(), name="assurance-results"),
    path(
        "<int:pk>/cases/<int:case_pk>/review/",
        views.ReviewView.as_view(),
        name="assurance-review",
    ),
]
