"""The case page and its quick-add forms, under /cases/ with the rest of a case's pages (the
same paths and names they always had: links and the audit registry use the names)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<id:pk>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("<id:pk>/contacts/new/", views.ContactCreateView.as_view(), name="contact-create"),
    path(
        "<id:pk>/people/<id:party_pk>/contact/",
        views.PersonContactView.as_view(),
        name="person-contact",
    ),
    path("<id:pk>/events/new/", views.EventCreateView.as_view(), name="event-create"),
]
