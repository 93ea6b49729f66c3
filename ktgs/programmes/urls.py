from django.urls import path

from ktgs.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("moi/", views.programme_create, name="create"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/them-noi-dung/", views.item_add, name="item_add"),
    path("<int:pk>/noi-dung/<int:item_pk>/sua/", views.item_edit, name="item_edit"),
    path("<int:pk>/noi-dung/<int:item_pk>/xoa/", views.item_remove, name="item_remove"),
    path("<int:pk>/huy/", views.programme_void, name="void"),
]
