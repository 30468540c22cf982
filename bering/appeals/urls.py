from django.urls import path

from bering.appeals import views

app_name = "appeals"
urlpatterns = [
    path("", views.appeal_list, name="list"),
    path("queue/", views.queue, name="queue"),
    path("paper/", views.paper, name="paper"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/redirect/", views.redirect_to, name="redirect"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/answer/download/", views.answer_download, name="answer-download"),
    path("<int:pk>/files/<int:file_id>/download/", views.file_download, name="file"),
]
