from django.urls import path

from ktgs.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.unit_report, name="unit"),
    path("<str:code>/xlsx/", views.unit_xlsx, name="xlsx"),
    path("<str:code>/docx/", views.unit_docx, name="docx"),
]
