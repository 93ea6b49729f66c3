# Violation.category becomes a vocabulary (ktgs.core.choices.ViolationCategory): the rule pack
# lists the categories without a limitation period. Free text that is one of the labels (compared
# folded: no diacritics, lower case) takes its code; a ViolationKind label (what the import wrote
# before) says nothing more than the kind and becomes "other"; any other text becomes "other" and
# is kept in category_note. The column is narrowed in 0003 (its own transaction).

from django.db import migrations, models

LABELS = {  # the vocabulary as it was when this migration was written
    "internal_politics": "Vi phạm về chính trị nội bộ",
    "defence_security_foreign": (
        "Vi phạm về quốc phòng, an ninh, đối ngoại có xâm hại đến lợi ích quốc gia"
    ),
    "illegal_diplomas": "Sử dụng văn bằng, chứng chỉ, chứng nhận không hợp pháp",
    "political_quality": "Vi phạm về phẩm chất chính trị, đạo đức, lối sống",
    "prohibited_acts": "Vi phạm quy định về những điều đảng viên không được làm",
    "democratic_centralism": "Vi phạm nguyên tắc tập trung dân chủ, quy chế làm việc",
    "party_organisation": "Vi phạm về tổ chức, sinh hoạt đảng",
    "finance_assets": "Vi phạm trong công tác quản lý tài chính, tài sản",
    "population_policy": "Vi phạm chính sách dân số và kế hoạch hóa gia đình",
    "other": "Vi phạm khác",
}
KIND_LABELS = (
    "Vi phạm phẩm chất, đạo đức, lối sống, nhiệm vụ đảng viên",
    "Vi phạm trong thực hiện nhiệm vụ do cấp trên giao",
    "Vi phạm trong thực hiện nhiệm vụ do tổ chức mình giao",
)


def category_of(text: str) -> tuple[str, str]:
    """(code, note) for the free text of a category."""
    from ktgs.core.vietnamese import fold

    key = fold(text.strip().rstrip("."))
    by_label = {fold(label): code for code, label in LABELS.items()}
    if text.strip() in LABELS:
        return text.strip(), ""
    if key in by_label:
        return by_label[key], ""
    if not key or key in {fold(k) for k in KIND_LABELS}:
        return "other", ""
    return "other", text.strip()[:255]


def forwards(apps, schema_editor):
    violation = apps.get_model("discipline", "Violation")
    for row in violation.objects.only("pk", "category").iterator():
        code, note = category_of(row.category)
        if (code, note) != (row.category, ""):
            violation.objects.filter(pk=row.pk).update(category=code, category_note=note)


def backwards(apps, schema_editor):
    violation = apps.get_model("discipline", "Violation")
    for row in violation.objects.only("pk", "category", "category_note").iterator():
        text = row.category_note or LABELS.get(row.category, row.category)
        violation.objects.filter(pk=row.pk).update(category=text)


class Migration(migrations.Migration):
    dependencies = [("discipline", "0003_suspension_subject_required")]

    operations = [
        migrations.AddField(
            model_name="violation",
            name="category_note",
            field=models.CharField(
                blank=True, max_length=255, verbose_name="ghi chú về nhóm vi phạm"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
