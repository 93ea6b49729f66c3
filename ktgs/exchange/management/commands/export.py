"""`ktgs export --format xlsx|csv --output PATH` (and `--template` for the empty template)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from ktgs.exchange.exporter import export_csv, export_xlsx, write_template


class Command(BaseCommand):
    help = (
        "Xuất toàn bộ tổ chức, đảng viên và dữ liệu liên quan theo định dạng nhập liệu "
        "(docs/formats.md): một tệp .xlsx, hoặc các tệp CSV UTF-8 (vào tệp .zip nếu đường dẫn "
        "kết thúc bằng .zip, nếu không thì vào thư mục). Tệp chứa số CCCD: hãy giữ kín."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        parser.add_argument("--output", "-o", type=Path, required=True, metavar="ĐƯỜNG_DẪN")
        parser.add_argument(
            "--template", action="store_true", help="chỉ xuất tệp mẫu trống có hướng dẫn (.xlsx)"
        )

    def handle(self, *args, format: str, output: Path, template: bool, **options):
        if template:
            path = write_template(output)
        elif format == "csv":
            path = export_csv(output)
        else:
            path = export_xlsx(output)
        self.stdout.write(self.style.SUCCESS(f"Đã xuất: {path}"))
