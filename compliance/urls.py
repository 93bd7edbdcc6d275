from django.urls import path

from . import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="compliance-dashboard"),
    path("duties/", views.DrillDownView.as_view(), name="compliance-drill-down"),
    path("overdue/", views.OverdueWorklistView.as_view(), name="compliance-overdue"),
    path("pack/", views.PackView.as_view(), name="compliance-pack"),
    path("pack.csv", views.PackCsvView.as_view(), name="compliance-pack-csv"),
    path("pack.pdf", views.PackPdfView.as_view(), name="compliance-pack-pdf"),
]
