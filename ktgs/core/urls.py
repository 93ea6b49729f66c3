from django.urls import path

from ktgs.core import views

urlpatterns = [
    path("", views.home, name="home"),
]
