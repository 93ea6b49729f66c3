from django.urls import path

from ktgs.documents import template_views, views

app_name = "documents"

urlpatterns = [
    path(
        "tai-lieu/them/<str:owner_type>/<str:owner_id>/",
        views.attachment_add,
        name="attachment_add",
    ),
    path("tai-lieu/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("tai-lieu/<int:pk>/huy/", views.attachment_void, name="attachment_void"),
    path("mau-van-ban/", template_views.template_list, name="templates"),
    path(
        "mau-van-ban/<str:doc_type>/tai-ve/",
        template_views.template_download,
        name="template_download",
    ),
]
