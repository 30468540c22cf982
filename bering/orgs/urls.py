from django.urls import path

from bering.orgs import views

app_name = "orgs"
urlpatterns = [
    path("pick/people/", views.pick_people, name="pick-people"),
    path("pick/organizations/", views.pick_organizations, name="pick-organizations"),
]
