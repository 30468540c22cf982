"""API routes of the notifications app (included under /api/v1/)."""

from django.urls import path

from bering.api.views import notifications

urlpatterns = [
    path("notifications/", notifications.NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/read-all",
        notifications.NotificationReadAllView.as_view(),
        name="api-notifications-read-all",
    ),
    path(
        "notifications/<int:pk>/read",
        notifications.NotificationReadView.as_view(),
        name="api-notification-read",
    ),
]
