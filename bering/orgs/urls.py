from django.urls import path

from bering.orgs import views, views_staff

app_name = "orgs"
urlpatterns = [
    path("pick/people/", views.pick_people, name="pick-people"),
    path("pick/organizations/", views.pick_organizations, name="pick-organizations"),
    path("staff/", views_staff.staff_index, name="staff-index"),
    path("<int:pk>/staff/", views_staff.staff, name="staff"),
    path(
        "<int:pk>/staff/<int:employee_id>/roles/",
        views_staff.roles_change,
        name="staff-roles",
    ),
    path("<int:pk>/staff/<int:employee_id>/end/", views_staff.post_end, name="staff-end"),
    path(
        "<int:pk>/staff/<int:employee_id>/deactivate/",
        views_staff.person_deactivate,
        name="staff-deactivate",
    ),
    path(
        "<int:pk>/substitutions/<int:substitution_id>/end/",
        views_staff.substitution_end,
        name="substitution-end",
    ),
]
