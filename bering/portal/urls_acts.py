"""Published acts, public: /acts/ (decision 0018)."""

from django.urls import path

from bering.portal import views_acts

app_name = "acts"
urlpatterns = [
    path("", views_acts.acts, name="list"),
    path("<int:pk>/", views_acts.act, name="act"),
    path("<int:pk>/pdf/", views_acts.act_pdf, name="pdf"),
    path("feed/", views_acts.feed, name="feed"),
    path("feed/<int:organization_id>/", views_acts.feed, name="feed-organization"),
]
