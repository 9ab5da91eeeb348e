"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import views

tracker_patterns = [
    path("citizens/", views.CitizenListView.as_view(), name="citizen_list"),
    path("citizens/new/", views.CitizenCreateView.as_view(), name="citizen_create"),
    path("citizens/<int:pk>/", views.CitizenDetailView.as_view(), name="citizen_detail"),
    path("citizens/<int:pk>/edit/", views.CitizenUpdateView.as_view(), name="citizen_update"),
    path("citizens/<int:pk>/cpr/", views.CprRevealView.as_view(), name="citizen_cpr_reveal"),
    path("citizens/<int:pk>/courses/new/", views.CourseStartView.as_view(), name="course_start"),
    path("courses/<int:pk>/end/", views.CourseEndView.as_view(), name="course_end"),
    path("courses/<int:pk>/collaborations/new/", views.CollaborationCreateView.as_view(), name="collaboration_create"),
    path("partners/", views.PartnerListView.as_view(), name="partner_list"),
    path("partners/new/", views.PartnerCreateView.as_view(), name="partner_create"),
    path("no-role/", views.NoRoleView.as_view(), name="no_role"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include((tracker_patterns, "tracker"))),
    path("", include("outcomes.urls")),
    path("", include("dashboards.urls")),
]
