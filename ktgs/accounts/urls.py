from django.contrib.auth import views as auth_views
from django.urls import path

from ktgs.accounts import views

urlpatterns = [
    path("dang-nhap/", views.KtgsLoginView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", views.otp_verify, name="otp_verify"),
    path("dang-nhap/cai-dat-xac-thuc/", views.otp_enrol, name="otp_enrol"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
]
