from django.urls import path

from bering.approvals import route_views, views

app_name = "approvals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("visas/<int:pk>/", views.visa_detail, name="visa"),
    path("visas/<int:pk>/sign/", views.visa_sign, name="sign"),
    path("visas/<int:pk>/remark/", views.remark_file, name="remark-file"),
    path("documents/<int:pk>/", views.document_route, name="document"),
    path("documents/<int:pk>/start/", views.approval_start, name="start"),
    path("documents/<int:pk>/recall/", views.approval_recall, name="recall"),
    path("documents/<int:pk>/sheet/", views.sheet, name="sheet"),
    path("documents/<int:pk>/sheet.pdf", views.sheet_pdf, name="sheet-pdf"),
    path("routes/", route_views.route_list, name="routes"),
    path("routes/<int:pk>/", route_views.route_detail, name="route"),
]
