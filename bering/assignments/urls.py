from django.urls import path

from bering.assignments import views

app_name = "assignments"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("head/", views.head, name="head"),
    path("control/", views.control, name="control"),
    path("document/<int:pk>/", views.document, name="document"),
    path("document/<int:pk>/resolution/", views.resolution_new, name="resolution-new"),
    path("resolutions/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("resolutions/<int:pk>/return/", views.return_draft, name="return"),
    path("<int:pk>/cascade/", views.cascade, name="cascade"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/extension/", views.extension_ask, name="extension-ask"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report-accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report-return"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension-decide"),
]
