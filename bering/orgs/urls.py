from django.urls import path

from bering.orgs import views

app_name = "orgs"
urlpatterns = [
    path("import/", views.import_page, name="import"),
    path("pick/people/", views.pick_people, name="pick-people"),
    path("pick/organizations/", views.pick_organizations, name="pick-organizations"),
]
