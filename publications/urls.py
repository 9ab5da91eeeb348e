from django.urls import path

from publications import views

app_name = "publications"

urlpatterns = [
    # The director's review.
    path("publikationer/", views.PublicationListView.as_view(), name="publication_list"),
    path("publikationer/ny/", views.PublicationCreateView.as_view(), name="publication_create"),
    path("publikationer/<int:pk>/", views.PublicationDetailView.as_view(), name="publication_detail"),
    path("publikationer/<int:pk>/godkend/", views.PublicationApproveView.as_view(), name="publication_approve"),
    path("publikationer/<int:pk>/kasser/", views.PublicationDiscardView.as_view(), name="publication_discard"),
    path("publikationer/<int:pk>/offentliggoer/", views.PublicationPublishView.as_view(), name="publication_publish"),
    path(
        "publikationer/<int:pk>/traek-tilbage/", views.PublicationUnpublishView.as_view(), name="publication_unpublish"
    ),
    # Public: no login.
    path("effekter/", views.PublicListView.as_view(), name="public_list"),
    path("effekter/dataordbog/", views.DataDictionaryView.as_view(), name="data_dictionary"),
    path("effekter/dataordbog.json", views.DataDictionaryJSONView.as_view(), name="data_dictionary_json"),
    path("effekter/<slug:slug>/", views.PublicDetailView.as_view(), name="public_detail"),
    path("effekter/<slug:slug>/data.csv", views.PublicCSVView.as_view(), name="public_csv"),
    path("effekter/<slug:slug>/data.json", views.PublicJSONView.as_view(), name="public_json"),
]
