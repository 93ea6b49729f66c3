from django.urls import path

from ktgs.submissions import closure_views, views

app_name = "submissions"
urlpatterns = [
    path("<str:code>/", views.unit_page, name="unit"),
    path("<str:code>/nop/", views.submit, name="submit"),
    path("<str:code>/ky/", views.period_page, name="period"),
    path("<str:code>/nhac/", views.remind, name="remind"),
    path("<str:code>/chot/", views.close, name="close"),
    path("<str:code>/chot/<int:pk>/", closure_views.closure_report, name="closure_report"),
    path("<str:code>/chot/<int:pk>/xlsx/", closure_views.closure_xlsx, name="closure_xlsx"),
    path("<str:code>/mo-lai/", views.reopen, name="reopen"),
    path("<str:code>/yeu-cau/moi/", views.request_create, name="request_create"),
    path("<str:code>/khoa-ky/", views.keygen, name="keygen"),
    path("<str:code>/xuat-goi/", views.export_package, name="export"),
    path("<str:code>/goi/", views.packages_page, name="packages"),
    path("<str:code>/goi/khoa/", views.key_register, name="key_register"),
    path("<str:code>/goi/khoa/thu-hoi/", views.key_revoke, name="key_revoke"),
    path("<str:code>/goi/nhap/", views.package_import, name="package_import"),
]
