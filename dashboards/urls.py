from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("leader/", views.LeaderHomeView.as_view(), name="leader_home"),
    path("director/", views.DirectorHomeView.as_view(), name="director_home"),
]
