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

from ktgs.letters import handling_views  # noqa: E402 — handling and retention (issue 16, 4 and 7)

urlpatterns += [
    path("<int:pk>/thu-ly/", handling_views.letter_accept, name="accept"),
    path("<int:pk>/giao-xu-ly/", handling_views.letter_assign, name="assign"),
    path("<int:pk>/buoc-giai-quyet/", handling_views.step_add, name="step_add"),
    path("<int:pk>/gia-han/", handling_views.extension_grant, name="extend"),
    path("<int:pk>/ket-luan/", handling_views.items_conclude, name="conclude"),
    path("<int:pk>/tra-loi/", handling_views.reply_record, name="reply"),
    path("<int:pk>/lien-ket-vu-viec/", handling_views.case_link, name="case_link"),
    path("<int:pk>/mo-vu-viec-ky-luat/", handling_views.discipline_case_open, name="case_open"),
    path("<int:pk>/xoa-danh-tinh/", handling_views.identity_erase, name="erase"),
]

from ktgs.letters import due_views  # noqa: E402

urlpatterns += [path("han/", due_views.letters_due, name="due")]
