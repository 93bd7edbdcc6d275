from django.urls import path

from . import views

urlpatterns = [
    path("", views.WorklistView.as_view(), name="retention-worklist"),
    path("cases/<id:pk>/", views.ReviewView.as_view(), name="retention-review"),
    path("people/", views.PersonSearchView.as_view(), name="person-search"),
    path("people/<id:pk>/", views.PersonView.as_view(), name="person-record"),
    path(
        "people/<id:pk>/subject-access/",
        views.SubjectAccessView.as_view(),
        name="subject-access",
    ),
    path("people/<id:pk>/consents/", views.ConsentView.as_view(), name="person-consents"),
]
