"""API routes of Web Push (included under /api/v1/)."""

from django.urls import path

from bering.api.views import push

urlpatterns = [
    path("push/key", push.PushKeyView.as_view(), name="api-push-key"),
    path(
        "push/subscriptions",
        push.PushSubscriptionsView.as_view(),
        name="api-push-subscriptions",
    ),
    path(
        "push/subscriptions/<int:pk>",
        push.PushSubscriptionView.as_view(),
        name="api-push-subscription",
    ),
]
