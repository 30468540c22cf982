"""API routes of the appeals app (included under /api/v1/)."""

from django.urls import path

from bering.api.views import appeals as views

urlpatterns = [
    path("appeals/", views.AppealListView.as_view(), name="api-appeals"),
    path("appeals/queue", views.RegistrationQueueView.as_view(), name="api-appeals-queue"),
    path("appeals/paper", views.PaperAppealView.as_view(), name="api-appeals-paper"),
    path("appeals/<int:pk>", views.AppealView.as_view(), name="api-appeal"),
    path(
        "appeals/<int:pk>/register", views.AppealRegisterView.as_view(), name="api-appeal-register"
    ),
    path(
        "appeals/<int:pk>/redirect", views.AppealRedirectView.as_view(), name="api-appeal-redirect"
    ),
    path("appeals/<int:pk>/extend", views.AppealExtendView.as_view(), name="api-appeal-extend"),
    path("appeals/<int:pk>/close", views.AppealCloseView.as_view(), name="api-appeal-close"),
    path("appeals/<int:pk>/answer", views.AppealAnswerView.as_view(), name="api-appeal-answer"),
    path(
        "appeals/<int:pk>/files/<int:file_id>/download",
        views.AppealFileDownloadView.as_view(),
        name="api-appeal-file-download",
    ),
    path("citizens", views.CitizensView.as_view(), name="api-citizens"),
]
