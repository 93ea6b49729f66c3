from django.urls import path

from ktgs.reports import chart_views, views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.unit_report, name="unit"),
    path("<str:code>/xlsx/", views.unit_xlsx, name="xlsx"),
    path("<str:code>/du-thao/", views.draft_list, name="drafts"),
    path("<str:code>/du-thao/moi/", views.draft_create, name="draft_create"),
    path("<str:code>/du-thao/<int:pk>/", views.draft_detail, name="draft"),
    path("<str:code>/du-thao/<int:pk>/docx/", views.draft_docx, name="draft_docx"),
    path("<str:code>/docx/", views.unit_docx, name="docx"),
    path("<str:code>/bieu-do/<slug:name>.svg", chart_views.chart_svg, name="chart_svg"),
    path("<str:code>/bieu-do/<slug:name>/", chart_views.chart_block, name="chart"),
]
