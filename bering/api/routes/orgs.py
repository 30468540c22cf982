"""API routes of the staff of organizations (included under /api/v1/)."""

from django.urls import path

from bering.api.views import orgs as views

urlpatterns = [
    path(
        "organizations/<int:pk>/employees",
        views.OrganizationEmployeesView.as_view(),
        name="api-organization-employees",
    ),
    path("employees/<int:pk>/roles", views.EmployeeRolesView.as_view(), name="api-employee-roles"),
    path("employees/<int:pk>/end", views.EmployeeEndView.as_view(), name="api-employee-end"),
    path(
        "users/<int:pk>/deactivate",
        views.UserDeactivateView.as_view(),
        name="api-user-deactivate",
    ),
    path(
        "substitutions/<int:pk>/end",
        views.SubstitutionEndView.as_view(),
        name="api-substitution-end",
    ),
]
