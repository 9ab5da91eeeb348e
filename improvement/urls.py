from django.urls import path

from improvement import views

app_name = "improvement"

urlpatterns = [
    path("forsoeg/", views.InitiativeListView.as_view(), name="initiative_list"),
    path("forsoeg/nyt/", views.InitiativeCreateView.as_view(), name="initiative_create"),
    path("forsoeg/<int:pk>/", views.InitiativeDetailView.as_view(), name="initiative_detail"),
    path("forsoeg/<int:pk>/rediger/", views.InitiativeUpdateView.as_view(), name="initiative_update"),
    path("forsoeg/<int:pk>/metodetroskab/ny/", views.FidelityCheckCreateView.as_view(), name="fidelity_check_create"),
    path("forsoeg/<int:pk>/laering/ny/", views.LearningEntryCreateView.as_view(), name="learning_entry_create"),
]
