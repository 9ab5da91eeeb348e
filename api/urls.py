"""The REST API, under /api/: the records and figures in v1/, the schema, its documentation and the
user's token page. Included by tracker/urls.py."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api import aggregates, pages, views

app_name = "api"

router = SimpleRouter()
router.register("citizens", views.CitizenViewSet, basename="citizen")
router.register("courses", views.CourseViewSet, basename="course")
router.register("measurements", views.MeasurementViewSet, basename="measurement")
router.register("goals", views.GoalViewSet, basename="goal")
router.register("collaborations", views.CollaborationViewSet, basename="collaboration")
router.register("instruments", aggregates.InstrumentViewSet, basename="instrument")
router.register("partners", aggregates.PartnerViewSet, basename="partner")
router.register("units", aggregates.UnitViewSet, basename="unit")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/unit-figures/", aggregates.UnitFiguresView.as_view(), name="unit_figures"),
    path("v1/comparison/", aggregates.ComparisonView.as_view(), name="comparison"),
    path("v1/initiatives/", include("improvement.api")),
    path("schema/", pages.SchemaView.as_view(), name="schema"),
    path("docs/", pages.DocsView.as_view(), name="docs"),
    path("token/", pages.TokenView.as_view(), name="token"),
]
