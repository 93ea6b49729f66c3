from django.db import models


class Channel(models.TextChoices):
    IN_PERSON = "in_person", "Trực tiếp"
    POST = "post", "Qua bưu điện"
    FORWARDED = "forwarded", "Cơ quan, tổ chức khác chuyển đến"
    LETTER_BOX = "letter_box", "Hòm thư"
    EMAIL = "email", "Thư điện tử"
    PHONE = "phone", "Điện thoại"


class LetterKind(models.TextChoices):
    DENUNCIATION = "denunciation", "Tố cáo"
    COMPLAINT = "complaint", "Khiếu nại"
    PETITION = "petition", "Kiến nghị, phản ánh"


class LetterStatus(models.TextChoices):
    # later steps (routing, handling: issue 16 points 3–4) add their states
    REGISTERED = "registered", "Đã tiếp nhận"


class LinkReason(models.TextChoices):
    SAME_FILER = "same_filer", "Cùng người gửi"
    SAME_ACCUSED = "same_accused", "Cùng người, tổ chức bị tố cáo/khiếu nại"
    SIMILAR_SUMMARY = "similar_summary", "Nội dung tương tự"
