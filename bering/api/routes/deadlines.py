"""API routes of the deadlines app (included under /api/v1/)."""

from django.urls import path

from bering.api.views import deadlines

urlpatterns = [
    # ``str``, not ``int``: the year is checked by the view (404 outside the calendar's
    # range) after authentication, so the route matrix reaches it like any login route.
    path("calendar/<str:year>", deadlines.CalendarYearView.as_view(), name="api-calendar-year"),
    path("deadlines/compute", deadlines.DeadlineComputeView.as_view(), name="api-deadline-compute"),
]
