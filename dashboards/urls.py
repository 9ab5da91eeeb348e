from django.urls import path

from dashboards import views
from dashboards.comparison_views import DirectorComparisonView

app_name = "dashboards"

urlpatterns = [
    path("leader/", views.UnitDashboardView.as_view(), name="leader_home"),
    path("leader/dashboard/", views.UnitDashboardView.as_view(), name="unit_dashboard"),
    path("leader/report/", views.UnitReportView.as_view(), name="unit_report"),
    path("director/", DirectorComparisonView.as_view(), name="director_home"),
    path("metode/", views.MethodsView.as_view(), name="methods"),
]
