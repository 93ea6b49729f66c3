from django.urls import path

from ktgs.inspections import counting_views

app_name = "counting"
urlpatterns = [
    path("kiem-tra-giam-sat/", counting_views.counts, name="counts"),
    path("kiem-tra-giam-sat/danh-sach/", counting_views.drill_down, name="list"),
]
