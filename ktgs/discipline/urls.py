from django.urls import path

from ktgs.discipline import views

app_name = "discipline"
urlpatterns = [
    path("", views.decision_list, name="list"),
    path("quyet-dinh/<int:pk>/in/", views.decision_print, name="print"),
    path("so-lieu/", views.figures, name="figures"),
]
