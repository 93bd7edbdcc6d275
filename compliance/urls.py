from django.urls import path

from . import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="compliance-dashboard"),
    path("duties/", views.DrillDownView.as_view(), name="compliance-drill-down"),
    path(
        "closed-with-open-duties/",
        views.ClosedWithOpenDutiesView.as_view(),
        name="compliance-closed-with-open-duties",
    ),
    path("vps/", views.VpsOffersView.as_view(), name="compliance-vps"),
    path("duties.csv", views.DrillDownCsvView.as_view(), name="compliance-drill-down-csv"),
    path("overdue/", views.OverdueWorklistView.as_view(), name="compliance-overdue"),
    path("overdue.csv", views.OverdueCsvView.as_view(), name="compliance-overdue-csv"),
    path("pack/", views.PackView.as_view(), name="compliance-pack"),
    path("pack.csv", views.PackCsvView.as_view(), name="compliance-pack-csv"),
    path("pack.pdf", views.PackPdfView.as_view(), name="compliance-pack-pdf"),
    path("return/", views.ReturnView.as_view(), name="compliance-return"),
    path("return.csv", views.ReturnCsvView.as_view(), name="compliance-return-csv"),
]
