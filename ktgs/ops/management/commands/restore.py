"""`ktgs restore PATH`: restore a backup into an empty database and prove it is equal."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ktgs.core.vietnamese import format_int
from ktgs.ops.errors import OpsError
from ktgs.ops.restore import restore_backup


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu của `ktgs backup` vào cơ sở dữ liệu TRỐNG cùng loại, rồi "
        "kiểm tra số dòng, checksum từng bảng, tệp đính kèm và chuỗi nhật ký thao tác."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, metavar="TỆP_SAO_LƯU")

    def handle(self, *args, path: Path, **options):
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp sao lưu {path}.")
        started = time.monotonic()
        try:
            restored = restore_backup(path)
        except OpsError as exc:
            raise CommandError(str(exc)) from exc
        m = restored.manifest
        rows = sum(t["rows"] for t in m["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã khôi phục {path} (sao lưu lúc {m['created_at']}, KTGS {m['ktgs_version']}) "
                f"trong {time.monotonic() - started:.1f} giây: {format_int(len(m['tables']))} "
                f"bảng, {format_int(rows)} dòng khớp checksum, "
                f"{format_int(len(m['files']))} tệp đính kèm khớp. {restored.audit_message}"
            )
        )
