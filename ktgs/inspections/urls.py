from django.urls import path

from ktgs.inspections import views

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
    path("kien-nghi/<int:pk>/", views.follow_up_close, name="follow_up"),
]
