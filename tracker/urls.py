"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from tracker import consent_views, correction_views, security, security_views, views

tracker_patterns = [
    # The citizen pages that show measurements and goals, and the citizen's complete record (GDPR art. 15), are
    # outcomes' views (tracker imports no other app); their URL names stay in this namespace.
    path("", include("outcomes.citizen_urls")),
    path("citizens/new/", views.CitizenCreateView.as_view(), name="citizen_create"),
    path("citizens/<int:pk>/edit/", views.CitizenUpdateView.as_view(), name="citizen_update"),
    path("citizens/<int:pk>/cpr/", views.CprRevealView.as_view(), name="citizen_cpr_reveal"),
    path("citizens/<int:pk>/consents/", consent_views.ConsentView.as_view(), name="consent_list"),
    path("consents/<int:pk>/withdraw/", consent_views.ConsentWithdrawView.as_view(), name="consent_withdraw"),
    path("citizens/<int:pk>/courses/new/", views.CourseStartView.as_view(), name="course_start"),
    path("courses/<int:pk>/end/", views.CourseEndView.as_view(), name="course_end"),
    path("courses/<int:pk>/collaborations/new/", views.CollaborationCreateView.as_view(), name="collaboration_create"),
    path(
        "collaborations/<int:pk>/edit/", correction_views.CollaborationUpdateView.as_view(), name="collaboration_update"
    ),
    path(
        "collaborations/<int:pk>/delete/",
        correction_views.CollaborationDeleteView.as_view(),
        name="collaboration_delete",
    ),
    path("partners/", views.PartnerListView.as_view(), name="partner_list"),
    path("partners/new/", views.PartnerCreateView.as_view(), name="partner_create"),
    path("no-role/", views.NoRoleView.as_view(), name="no_role"),
    # The accessibility statement (tilgængelighedserklæring): public, as the law requires.
    path(
        "accessibility/",
        TemplateView.as_view(template_name="tracker/accessibility.html"),
        name="accessibility",
    ),
]

security_patterns = [
    path("security/", security_views.SecurityView.as_view(), name="overview"),
    path("security/two-factor/", security_views.OTPSetupView.as_view(), name="otp_setup"),
    path("security/two-factor/off/", security_views.OTPDisableView.as_view(), name="otp_disable"),
    path("login/token/", security_views.OTPVerifyView.as_view(), name="otp_verify"),
    path("login/sso/", security.OIDCLoginView.as_view(), name="oidc_login"),
    path("login/sso/callback/", security.OIDCCallbackView.as_view(), name="oidc_callback"),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", security.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include((security_patterns, "security"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include((tracker_patterns, "tracker"))),
    path("", include("outcomes.urls")),
    path("", include("dashboards.urls")),
    path("", include("publications.urls")),
    path("", include("selfservice.urls")),
    path("", include("imports.urls")),
    path("", include("exchange.urls")),
    path("", include("improvement.urls")),
    path("api/", include("api.urls")),
]
