from django.urls import path

from ktgs.discipline import case_views as views
from ktgs.discipline import correction_views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("moi/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/vi-pham/", views.violation_add, name="violation"),
    path("<int:pk>/tinh-tiet/", views.statements, name="statements"),
    path("<int:pk>/thoi-hieu/", views.pause_add, name="pause"),
    path("<int:pk>/bieu-quyet/", views.vote_add, name="vote"),
    path("<int:pk>/quyet-dinh/", views.decision_make, name="decide"),
    path("quyet-dinh/<int:pk>/khieu-nai/", views.appeal_add, name="appeal"),
    path("khieu-nai/<int:pk>/", views.appeal_resolve, name="appeal_resolve"),
    path("<int:pk>/sua/", correction_views.case_correct, name="correct"),
    path(
        "<int:pk>/sua/vi-pham/<int:violation_pk>/",
        correction_views.violation_correct,
        name="correct_violation",
    ),
    path(
        "<int:pk>/sua/bieu-quyet/<int:vote_pk>/", correction_views.vote_correct, name="correct_vote"
    ),
    path(
        "<int:pk>/sua/thoi-hieu/<int:pause_pk>/",
        correction_views.pause_correct,
        name="correct_pause",
    ),
    path(
        "<int:pk>/sua/thoi-hieu/<int:pause_pk>/bo/",
        correction_views.pause_remove,
        name="correct_pause_remove",
    ),
    path("quyet-dinh/<int:pk>/sua/", correction_views.decision_correct, name="correct_decision"),
]
