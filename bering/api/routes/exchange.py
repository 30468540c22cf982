"""API routes of the exchange app (included under /api/v1/)."""

from django.urls import path

from bering.api.views import exchange as views

urlpatterns = [
    path("deliveries/queue", views.QueueView.as_view(), name="api-deliveries-queue"),
    path("deliveries/<int:pk>", views.DeliveryView.as_view(), name="api-delivery"),
    path(
        "deliveries/<int:pk>/register",
        views.DeliveryRegisterView.as_view(),
        name="api-delivery-register",
    ),
    path(
        "deliveries/<int:pk>/refuse", views.DeliveryRefuseView.as_view(), name="api-delivery-refuse"
    ),
    path(
        "deliveries/<int:pk>/withdraw",
        views.DeliveryWithdrawView.as_view(),
        name="api-delivery-withdraw",
    ),
    path(
        "documents/<int:pk>/deliveries",
        views.DocumentDeliveriesView.as_view(),
        name="api-document-deliveries",
    ),
]
