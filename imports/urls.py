"""URLs of the import pages (Danish paths, included at the site root)."""

from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("import/", views.ImportJobCreateView.as_view(), name="job_create"),
    path("import/skabelon.csv", views.ImportTemplateView.as_view(file_format="csv"), name="template_csv"),
    path("import/skabelon.xlsx", views.ImportTemplateView.as_view(file_format="xlsx"), name="template_xlsx"),
    path("import/<int:pk>/", views.ImportJobDetailView.as_view(), name="job_detail"),
    path("import/<int:pk>/anvend/", views.ImportJobApplyView.as_view(), name="job_apply"),
]
