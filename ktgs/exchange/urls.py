from django.urls import path

from ktgs.exchange import views

app_name = "exchange"

urlpatterns = [
    path("du-lieu/nhap/", views.upload, name="upload"),
    path("du-lieu/nhap/<str:pk>/", views.job, name="job"),
    path("du-lieu/nhap/<str:pk>/tien-do/", views.job_progress, name="job_progress"),
    path("du-lieu/nhap/<str:pk>/bao-cao-loi/", views.job_report, name="job_report"),
    path("du-lieu/mau/", views.template, name="template"),
    path("du-lieu/xuat/excel/", views.export_xlsx, name="export_xlsx"),
    path("du-lieu/xuat/csv/", views.export_csv, name="export_csv"),
]
