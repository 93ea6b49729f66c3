from django.urls import path

from ktgs.accounts import admin_views as views
from ktgs.accounts import settings_views

app_name = "accounts_admin"

urlpatterns = [
    path("", views.users, name="users"),
    path("moi/", views.user_create, name="user_create"),
    path("<int:pk>/", views.user_detail, name="user_detail"),
    path("<int:pk>/vai-tro/", views.role_assign, name="role_assign"),
    path("<int:pk>/muc-tiep-can/", views.clearance, name="clearance"),
    path("<int:pk>/ho-ten/", views.full_name, name="full_name"),
    path("<int:pk>/dang-vien/", views.member, name="member"),
    path("<int:pk>/xac-thuc/", views.two_factor, name="two_factor"),
    path("<int:pk>/khoa/", views.deactivate, name="deactivate"),
    path("phan-cong/<int:pk>/ket-thuc/", views.role_end, name="role_end"),
    # a unit's dated settings and the read log (settings_views)
    path("to-chuc/", settings_views.units, name="units"),
    path("to-chuc/<str:code>/", settings_views.unit_settings, name="unit_settings"),
    path("to-chuc/<str:code>/nhiem-ky/", settings_views.term_add, name="term_add"),
    path("nhiem-ky/<int:pk>/ket-thuc/", settings_views.term_end, name="term_end"),
    path("to-chuc/<str:code>/thuoc-tinh/", settings_views.attribute_add, name="attribute_add"),
    path("thuoc-tinh/<int:pk>/ket-thuc/", settings_views.attribute_end, name="attribute_end"),
    path("so-doc/", settings_views.reads, name="reads"),
]
