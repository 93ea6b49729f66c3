from django.urls import path

from ktgs.letters import views

app_name = "letters"

urlpatterns = [
    path("", views.letter_list, name="list"),
    path("them/", views.letter_create, name="create"),
    path("<int:pk>/", views.letter_detail, name="detail"),
    path("<int:pk>/nguoi-gui/", views.letter_identity, name="identity"),
]
# Routing, handling and deadlines pages (issue 16) append their own patterns below, each from
# its own views module.

from ktgs.letters import routing_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/phan-loai/", routing_views.letter_route, name="route"),
    path("<int:pk>/phieu-chuyen/", routing_views.forwarding_note, name="forwarding_note"),
]
