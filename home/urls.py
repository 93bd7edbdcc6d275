from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("home/officer/", views.OfficerHomeView.as_view(), name="home-officer"),
    path("home/supervisor/", views.SupervisorHomeView.as_view(), name="home-supervisor"),
    path("home/witness-care/", views.WitnessCareHomeView.as_view(), name="home-witness-care"),
    path("home/agency/", views.AgencyHomeView.as_view(), name="home-agency"),
    path("home/admin/", views.AdminHomeView.as_view(), name="home-admin"),
]
