from django.urls import path

from . import views

urlpatterns = [
    path("s/<str:token>/", views.SurveyView.as_view(), name="survey"),
    path("surveys/results/", views.ResultsView.as_view(), name="survey-results"),
    path("surveys/sample/", views.SampleView.as_view(), name="survey-sample"),
    path(
        "cases/<id:pk>/surveys/allow/",
        views.AllowRestrictedView.as_view(),
        name="survey-allow-restricted",
    ),
    path(
        "cases/<id:pk>/people/<id:party_pk>/surveys/opt-out/",
        views.OptOutView.as_view(),
        name="survey-opt-out",
    ),
]
