from django.urls import path

from . import views

urlpatterns = [
    path("", views.WorklistView.as_view(), name="retention-worklist"),
    path("cases/<int:pk>/", views.ReviewView.as_view(), name="retention-review"),
    path("people/", views.PersonSearchView.as_view(), name="person-search"),
    path("people/<int:pk>/", views.PersonView.as_view(), name="person-record"),
    path(
        "people/<int:pk>/subject-access/",
        views.SubjectAccessView.as_view(),
        name="subject-access",
    ),
    path("people/<int:pk>/consents/", views.ConsentView.as_view(), name="person-consents"),
]
