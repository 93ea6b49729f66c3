"""`ktgs backup [--output PATH]`: one owner-only archive of the database, files and audit head."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ktgs.core.vietnamese import format_int
from ktgs.ops.backup import make_backup
from ktgs.ops.errors import OpsError


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (SQLite: sao chép trực tuyến; PostgreSQL: pg_dump), tệp đính "
        "kèm và đầu chuỗi nhật ký thao tác vào một tệp .tar.gz chỉ chủ sở hữu đọc được. "
        "Bản sao lưu chứa dữ liệu mật: mã hóa và cất ngoài máy chủ (xem docs/backup.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            metavar="ĐƯỜNG_DẪN",
            help="tệp (hoặc thư mục) để ghi; mặc định KTGS_DATA_DIR/backups/ktgs-NGÀY-GIỜ.tar.gz",
        )

    def handle(self, *args, output: Path | None, **options):
        started = time.monotonic()
        try:
            backup = make_backup(output)
        except OpsError as exc:
            raise CommandError(str(exc)) from exc
        m = backup.manifest
        rows = sum(t["rows"] for t in m["tables"].values())
        end = m["audit"]["chain_end"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã sao lưu vào {backup.path} ({format_int(backup.path.stat().st_size)} byte, "
                f"{time.monotonic() - started:.1f} giây): {format_int(len(m['tables']))} bảng, "
                f"{format_int(rows)} dòng, {format_int(len(m['files']))} tệp đính kèm, "
                f"nhật ký thao tác đến sự kiện số {end['seq'] if end else 0}."
            )
        )
        self.stdout.write(
            "Tệp này chứa dữ liệu cá nhân và dữ liệu mật: hãy mã hóa và chuyển ra khỏi máy chủ "
            "(xem docs/backup.md)."
        )
