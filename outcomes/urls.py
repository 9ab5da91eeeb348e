from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path(
        "courses/<int:course_pk>/measure/<slug:code>/", views.MeasurementCreateView.as_view(), name="measurement_create"
    ),
    path("measurements/<int:pk>/", views.MeasurementDetailView.as_view(), name="measurement_detail"),
    path("courses/<int:course_pk>/goals/new/", views.GoalCreateView.as_view(), name="goal_create"),
    path("goals/<int:pk>/review/", views.GoalReviewCreateView.as_view(), name="goal_review_create"),
    path("citizens/<int:pk>/my-progress/", views.CitizenSummaryView.as_view(), name="citizen_summary"),
    # Corrections: edit and delete, each with a reason.
    path("measurements/<int:pk>/edit/", views.MeasurementUpdateView.as_view(), name="measurement_update"),
    path("measurements/<int:pk>/delete/", views.MeasurementDeleteView.as_view(), name="measurement_delete"),
    path("goals/<int:pk>/edit/", views.GoalUpdateView.as_view(), name="goal_update"),
    path("goals/<int:pk>/delete/", views.GoalDeleteView.as_view(), name="goal_delete"),
    path("reviews/<int:pk>/edit/", views.GoalReviewUpdateView.as_view(), name="goal_review_update"),
    path("reviews/<int:pk>/delete/", views.GoalReviewDeleteView.as_view(), name="goal_review_delete"),
]
