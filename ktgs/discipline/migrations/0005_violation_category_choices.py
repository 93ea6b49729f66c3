# Narrows Violation.category to the vocabulary's codes (mapped in 0002).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("discipline", "0004_violation_category_vocabulary")]

    operations = [
        migrations.AlterField(
            model_name="violation",
            name="category",
            field=models.CharField(
                choices=[
                    ("internal_politics", "Vi phạm về chính trị nội bộ"),
                    (
                        "defence_security_foreign",
                        "Vi phạm về quốc phòng, an ninh, đối ngoại có xâm hại đến lợi ích quốc gia",
                    ),
                    (
                        "illegal_diplomas",
                        "Sử dụng văn bằng, chứng chỉ, chứng nhận không hợp pháp",
                    ),
                    ("political_quality", "Vi phạm về phẩm chất chính trị, đạo đức, lối sống"),
                    (
                        "prohibited_acts",
                        "Vi phạm quy định về những điều đảng viên không được làm",
                    ),
                    (
                        "democratic_centralism",
                        "Vi phạm nguyên tắc tập trung dân chủ, quy chế làm việc",
                    ),
                    ("party_organisation", "Vi phạm về tổ chức, sinh hoạt đảng"),
                    ("finance_assets", "Vi phạm trong công tác quản lý tài chính, tài sản"),
                    (
                        "population_policy",
                        "Vi phạm chính sách dân số và kế hoạch hóa gia đình",
                    ),
                    ("other", "Vi phạm khác"),
                ],
                default="other",
                max_length=30,
                verbose_name="nhóm vi phạm",
            ),
        ),
    ]
