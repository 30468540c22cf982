from django.urls import path

from bering.exchange import views, views_medo

app_name = "exchange"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("dispatch/<int:pk>/sent/", views.dispatch_sent, name="dispatch-sent"),
    path("deliveries/<int:pk>/", views.delivery, name="delivery"),
    path("deliveries/<int:pk>/register/", views.register, name="register"),
    path("deliveries/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("deliveries/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "deliveries/<int:pk>/files/<int:file_id>/download/",
        views.file_download,
        name="delivery-file",
    ),
    path("document/<int:pk>/", views.document, name="document"),
    path("document/<int:pk>/send/", views.send, name="send"),
    path("document/<int:pk>/medo-export/", views_medo.export, name="medo-export"),
    path("medo/upload/", views_medo.upload, name="medo-upload"),
    path("medo/inbound/<int:pk>/", views_medo.inbound, name="medo-inbound"),
    path("medo/inbound/<int:pk>/register/", views_medo.inbound_register, name="medo-register"),
    path("medo/inbound/<int:pk>/refuse/", views_medo.inbound_refuse, name="medo-refuse"),
    path("medo/messages/", views_medo.message_list, name="medo-messages"),
    path("medo/messages/<int:pk>/download/", views_medo.message_download, name="medo-message"),
    path("medo/packages/<int:pk>/download/", views_medo.package_download, name="medo-package"),
]
