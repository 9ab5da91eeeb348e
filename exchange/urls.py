"""The exports: FHIR for a course, the tidy analyst CSV for a unit, and its data dictionary."""

from django.urls import path

from exchange import views

app_name = "exchange"

urlpatterns = [
    path("eksport/forloeb/<int:pk>/fhir.json", views.CourseFHIRView.as_view(), name="course_fhir"),
    path("eksport/enhed/<int:pk>/maalinger.csv", views.UnitTidyExportView.as_view(), name="unit_tidy_csv"),
    path("eksport/dataordbog/", views.DataDictionaryView.as_view(), name="data_dictionary"),
    path("eksport/dataordbog.json", views.DataDictionaryJSONView.as_view(), name="data_dictionary_json"),
    path("eksport/dataordbog.csv", views.DataDictionaryCSVView.as_view(), name="data_dictionary_csv"),
]
