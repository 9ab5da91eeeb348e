"""The citizen pages of outcomes whose URL names are in the ``tracker`` namespace (included by tracker/urls.py):
'Mine borgere', 'Borgerens overblik' and the citizen's complete record (GDPR art. 15)."""

from django.urls import path

from outcomes import citizen_views, gdpr_views

urlpatterns = [
    path("citizens/", citizen_views.CitizenListView.as_view(), name="citizen_list"),
    path("citizens/<int:pk>/", citizen_views.CitizenDetailView.as_view(), name="citizen_detail"),
    path(
        "citizens/<int:pk>/access-requests/new/",
        gdpr_views.AccessRequestCreateView.as_view(),
        name="access_request_create",
    ),
    path("access-requests/<int:pk>/record/", gdpr_views.CitizenRecordView.as_view(), name="access_request_record"),
    path(
        "access-requests/<int:pk>/record.json",
        gdpr_views.CitizenRecordJSONView.as_view(),
        name="access_request_record_json",
    ),
]
