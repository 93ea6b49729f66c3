"""`ktgs import FILE [--dry-run] [--report PATH]`: import a file of the interchange format."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ktgs.core.vietnamese import format_int
from ktgs.exchange.errors import FileRefused
from ktgs.exchange.importer import run_import
from ktgs.exchange.report import write_problem_report

PHASES = {"doc": "Đọc tệp", "kiemtra": "Kiểm tra", "ghi": "Ghi"}


class Command(BaseCommand):
    help = (
        "Nhập tổ chức, đảng viên và các dữ liệu liên quan từ tệp Excel (.xlsx), CSV UTF-8 hoặc "
        ".zip chứa các tệp CSV theo định dạng docs/formats.md. Có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="TỆP")
        parser.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")
        parser.add_argument(
            "--report",
            type=Path,
            metavar="ĐƯỜNG_DẪN",
            help="nơi ghi báo cáo lỗi (.xlsx); mặc định TỆP-loi.xlsx bên cạnh tệp nhập",
        )

    def handle(self, *args, file: Path, dry_run: bool, report: Path | None, **options):
        if not file.is_file():
            raise CommandError(f"Không có tệp {file}.")
        started = time.monotonic()
        last = {"at": 0.0, "phase": None}

        def progress(phase: str, done: int, total: int) -> None:
            now = time.monotonic()
            if phase != last["phase"] or now - last["at"] >= 0.5 or done >= total:
                percent = 100 * done // total if total else 100
                self.stdout.write(f"{PHASES.get(phase, phase)}: {percent}%")
                last.update(at=now, phase=phase)

        try:
            result = run_import(file, file_name=file.name, dry_run=dry_run, progress=progress)
        except FileRefused as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            for p in result.problems:
                where = ", ".join(
                    x
                    for x in (
                        f"sheet {p.sheet}",
                        f"dòng {p.row}" if p.row else "",
                        f"cột {p.column}" if p.column else "",
                    )
                    if x
                )
                self.stdout.write(f"{where}: {p.message} — {p.fix}")
            path = report or file.with_name(f"{file.stem}-loi.xlsx")
            write_problem_report(result.problems, path)
            self.stderr.write(
                f"{format_int(len(result.problems))} lỗi; không ghi gì. Báo cáo lỗi: {path}"
            )
            raise SystemExit(1)
        for w in result.warnings:
            where = ", ".join(
                x for x in (f"sheet {w.sheet}", f"dòng {w.row}" if w.row else "") if x
            )
            self.stdout.write(self.style.WARNING(f"Cảnh báo ({where}): {w.message}"))
        for sheet, c in result.counts.items():
            self.stdout.write(
                f"{sheet}: thêm {format_int(c['created'])}, sửa {format_int(c['updated'])}, "
                f"không đổi {format_int(c['unchanged'])}"
            )
        rows = sum(sum(c.values()) for c in result.counts.values())
        seconds = time.monotonic() - started
        verb = "Đã kiểm tra (không ghi, --dry-run)" if dry_run else "Đã nhập"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {format_int(rows)} dòng trong {seconds:.1f} giây "
                f"({format_int(int(rows / seconds) if seconds else rows)} dòng/giây). "
                f"SHA-256: {result.sha256}"
            )
        )
