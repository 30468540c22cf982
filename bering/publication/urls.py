from django.urls import path

from bering.publication import views

app_name = "publication"
urlpatterns = [
    path("", views.publication_list, name="list"),
    path("documents/<int:pk>/", views.document_page, name="document"),
    path("documents/<int:pk>/mark/", views.mark, name="mark"),
    path("documents/<int:pk>/publish/", views.publish, name="publish"),
    path("documents/<int:pk>/unpublish/", views.unpublish, name="unpublish"),
]
