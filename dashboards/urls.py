from django.urls import path

from dashboards import views
from dashboards.comparison_views import DirectorComparisonView

app_name = "dashboards"

urlpatterns = [
    path("leader/", views.LeaderHomeView.as_view(), name="leader_home"),
    path("director/", DirectorComparisonView.as_view(), name="director_home"),
]
