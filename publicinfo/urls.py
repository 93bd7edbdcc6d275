from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="info-index"),
    path("your-rights/", views.victims_code, name="info-victims-code"),
    path("witnesses/", views.witnesses, name="info-witnesses"),
    path("special-measures/", views.special_measures, name="info-special-measures"),
    path("personal-statement/", views.personal_statement, name="info-personal-statement"),
    path("complaints/", views.complaints, name="info-complaints"),
    path("support/", views.support, name="info-support"),
    path("young-people/", views.young_people, name="info-young-people"),
]
