from django.urls import path

from ktgs.orgs import pick_views, restructure_views, views

app_name = "orgs"

# Unit codes contain dots (HA.DBK.001.05): <str:> takes them and stops at "/".
urlpatterns = [
    path("chon/<slug:profile>/", pick_views.suggestions, name="pick"),
    path("to-chuc/", views.tree, name="tree"),
    path("to-chuc/cay/<int:pk>/", views.tree_children, name="tree_children"),
    path("to-chuc/moi/", views.unit_create, name="unit_create"),
    path("to-chuc/<str:code>/", views.unit_detail, name="unit_detail"),
    path("to-chuc/<str:code>/sua/", views.unit_edit, name="unit_edit"),
    path("to-chuc/<str:code>/chuyen/", views.unit_move, name="unit_move"),
    path("to-chuc/<str:code>/doi-ten/", restructure_views.unit_rename, name="unit_rename"),
    path("to-chuc/<str:code>/ten-goi-tat/", views.unit_short_name, name="unit_short_name"),
    path("to-chuc/<str:code>/sap-nhap/", restructure_views.unit_merge, name="unit_merge"),
    path("to-chuc/<str:code>/giai-the/", restructure_views.unit_close, name="unit_close"),
    path("dang-vien/", views.member_list, name="member_list"),
    path("dang-vien/moi/", views.member_create, name="member_create"),
    path("dang-vien/<str:code>/", views.member_detail, name="member_detail"),
    path("dang-vien/<str:code>/sua/", views.member_edit, name="member_edit"),
    path("dang-vien/<str:code>/chuyen/", views.member_transfer, name="member_transfer"),
    path("dang-vien/<str:code>/huy/", views.member_void, name="member_void"),
]
