from django.contrib.auth import views as auth_views
from django.urls import path

from ktgs.accounts import views

urlpatterns = [
    path("dang-nhap/", views.KtgsLoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
]
