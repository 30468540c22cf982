from django.urls import path

from bering.exchange import views

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
]
