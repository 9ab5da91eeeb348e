"""Self-completion URLs: the caseworker's hand-over, the locked tablet mode, and the personal link's short path."""

from django.urls import path

from selfservice import views

app_name = "selfservice"

urlpatterns = [
    # Staff: hand a questionnaire over.
    path("selvbesvarelse/borger/<int:pk>/", views.HandoverStartView.as_view(), name="start"),
    path("selvbesvarelse/borger/<int:pk>/tablet/", views.TabletStartView.as_view(), name="tablet_start"),
    path("selvbesvarelse/borger/<int:pk>/link/", views.LinkCreateView.as_view(), name="link_create"),
    path("selvbesvarelse/link/<int:pk>/luk/", views.HandoverCloseView.as_view(), name="handover_close"),
    # The locked tablet mode (an anonymous session bound to one hand-over).
    path("selvbesvarelse/tablet/", views.TabletView.as_view(), name="tablet"),
    path("selvbesvarelse/tablet/tak/", views.TabletThanksView.as_view(), name="tablet_thanks"),
    path("selvbesvarelse/tablet/afslut/", views.TabletExitView.as_view(), name="tablet_exit"),
    # The personal link: short, for the QR code and for typing the code.
    path("b/", views.CodeView.as_view(), name="code"),
    path("b/svar/", views.CodeAnswerView.as_view(), name="code_answer"),
    path("b/<slug:token>/", views.LinkView.as_view(), name="link"),
]
