from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path(
        "courses/<int:course_pk>/measure/<slug:code>/", views.MeasurementCreateView.as_view(), name="measurement_create"
    ),
    path("measurements/<int:pk>/", views.MeasurementDetailView.as_view(), name="measurement_detail"),
]
