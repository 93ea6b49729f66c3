from django.urls import path

from ktgs.discipline import period_views, views

app_name = "discipline"
urlpatterns = [
    path("", views.decision_list, name="list"),
    path("quyet-dinh/<int:pk>/in/", views.decision_print, name="print"),
    path("so-lieu/", views.figures, name="figures"),
    path("khieu-nai/", period_views.appeal_list, name="appeals"),
]
