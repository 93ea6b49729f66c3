from django.urls import path

from ktgs.inspections import correction_views, views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("han/", views.due_list, name="due"),
    path("them/", views.inspection_create, name="create"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/buoc/<int:step_pk>/", views.step_record, name="step"),
    path("<int:pk>/ke-hoach/", views.steps_plan, name="plan"),
    path("<int:pk>/ket-luan/<int:subject_pk>/", views.subject_conclude, name="conclude"),
    path("<int:pk>/chuyen-kiem-tra/", views.signs_open, name="signs"),
    path("<int:pk>/in/quyet-dinh/", views.decision_print, name="print_decision"),
    path("<int:pk>/in/thong-bao-ket-luan/", views.notice_print, name="print_notice"),
    path("<int:pk>/huy/", views.inspection_void, name="void"),
    path("<int:pk>/sua/", correction_views.header_correct, name="correct"),
    path("<int:pk>/sua/doan/", correction_views.team_correct, name="correct_team"),
    path("<int:pk>/sua/buoc/<int:step_pk>/", correction_views.step_correct, name="correct_step"),
    path(
        "<int:pk>/sua/ket-luan/<int:subject_pk>/",
        correction_views.conclusion_correct,
        name="correct_conclusion",
    ),
    path(
        "<int:pk>/sua/doi-tuong/<int:subject_pk>/bo/",
        correction_views.subject_remove,
        name="correct_subject_remove",
    ),
    path(
        "<int:pk>/sua/kien-nghi/<int:follow_up_pk>/",
        correction_views.follow_up_correct,
        name="correct_follow_up",
    ),
    path("kien-nghi/<int:pk>/", views.follow_up_close, name="follow_up"),
]
