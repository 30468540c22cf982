"""API routes of the exchange app (included under /api/v1/)."""

from django.urls import path

from bering.api.views import exchange as views
from bering.api.views import exchange_medo as medo

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
    path(
        "documents/<int:pk>/medo-packages",
        medo.DocumentMedoPackagesView.as_view(),
        name="api-document-medo-packages",
    ),
    path("medo/packages/<int:pk>", medo.MedoPackageView.as_view(), name="api-medo-package"),
    path(
        "medo/packages/<int:pk>/container",
        medo.MedoPackageContainerView.as_view(),
        name="api-medo-package-container",
    ),
    path("medo/import", medo.MedoImportView.as_view(), name="api-medo-import"),
    path("medo/inbound", medo.MedoInboundQueueView.as_view(), name="api-medo-inbound-queue"),
    path("medo/inbound/<int:pk>", medo.MedoInboundView.as_view(), name="api-medo-inbound"),
    path(
        "medo/inbound/<int:pk>/register",
        medo.MedoInboundRegisterView.as_view(),
        name="api-medo-inbound-register",
    ),
    path(
        "medo/inbound/<int:pk>/refuse",
        medo.MedoInboundRefuseView.as_view(),
        name="api-medo-inbound-refuse",
    ),
    path("medo/messages", medo.MedoMessagesView.as_view(), name="api-medo-messages"),
    path(
        "medo/messages/<int:pk>/container",
        medo.MedoMessageContainerView.as_view(),
        name="api-medo-message-container",
    ),
]
