from django.urls import path

from ktgs.rules import views

app_name = "rules"

urlpatterns = [
    path("", views.rule_list, name="list"),
    path("<int:pk>/", views.rule_detail, name="detail"),
]
