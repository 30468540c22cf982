from django.urls import path

from bering.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("search/", views.document_search, name="search"),
    path("new/", views.draft_create, name="create"),
    path("register-incoming/", views.register_incoming, name="register-incoming"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/register/", views.document_register, name="register"),
    path("<int:pk>/files/", views.file_add, name="file-add"),
    path("<int:pk>/files/<int:file_id>/download/", views.file_download, name="file-download"),
    path("<int:pk>/files/<int:file_id>/preview/", views.file_preview, name="file-preview"),
    path("<int:pk>/files/<int:file_id>/text/", views.file_text, name="file-text"),
    path("<int:pk>/files/<int:file_id>/pdf/", views.file_rendition, name="file-rendition"),
    path("<int:pk>/files/<int:file_id>/pages/<int:number>/", views.file_page, name="file-page"),
    path(
        "<int:pk>/files/<int:file_id>/pages/<int:number>.png",
        views.file_page_image,
        name="file-page-image",
    ),
]
