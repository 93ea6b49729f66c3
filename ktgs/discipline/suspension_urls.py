from django.urls import path

from ktgs.discipline import period_views
from ktgs.discipline import suspension_views as views

app_name = "suspensions"

urlpatterns = [
    path("", views.suspension_list, name="list"),
    path("trong-ky/", period_views.suspension_period, name="period"),
    path("moi/", views.suspension_create, name="create"),
    path("xoa-ten/", views.strike_off_page, name="strike_off"),
    path("<int:pk>/", views.suspension_detail, name="detail"),
    path("<int:pk>/gia-han/", views.suspension_extend, name="extend"),
]
