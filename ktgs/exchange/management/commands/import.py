"""`ktgs import FILE [--user NAME] [--dry-run] [--report PATH]`: import a file of the
interchange format.

Without --user the import runs as the administrator of the server (who holds the database
anyway): no limit of units or clearance, and its audit events name the command line and the
system account that ran it. With --user it runs as that KTGS user, under the same rules as the
upload page: only the units and members the user may change, no record above their clearance,
and the events name the user.

--dry-run runs the whole import, write phase included, and rolls it back (importer.run_import):
what it reports is what the import would report; "OK" means the import will go through.
"""

import getpass
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ktgs.audit.context import Actor
from ktgs.core.vietnamese import format_int
from ktgs.exchange.errors import FileRefused
from ktgs.exchange.importer import Problem, run_import
from ktgs.exchange.report import write_problem_report

PHASES = {"doc": "Đọc tệp", "kiemtra": "Kiểm tra", "ghi": "Ghi"}
DRY_PHASES = {**PHASES, "ghi": "Ghi thử (hoàn tác)"}


class Command(BaseCommand):
    help = (
        "Nhập tổ chức, đảng viên và các dữ liệu liên quan từ tệp Excel (.xlsx), CSV UTF-8 hoặc "
        ".zip chứa các tệp CSV theo định dạng docs/formats.md. Có lỗi thì không ghi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="TỆP")
        parser.add_argument(
            "--user",
            metavar="TÊN_ĐĂNG_NHẬP",
            help="nhập với quyền của người dùng này (chỉ trong phạm vi và độ mật của họ, như "
            "trang tải tệp lên); mặc định: quyền quản trị máy chủ, không giới hạn",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="kiểm tra đúng như khi nhập (ghi thử rồi hoàn tác toàn bộ), không giữ lại gì",
        )
        parser.add_argument(
            "--report",
            type=Path,
            metavar="ĐƯỜNG_DẪN",
            help="nơi ghi báo cáo lỗi (.xlsx); mặc định TỆP-loi.xlsx bên cạnh tệp nhập",
        )

    def handle(self, *args, file: Path, dry_run: bool, report: Path | None, **options):
        if not file.is_file():
            raise CommandError(f"Không có tệp {file}.")
        user = _user(options.get("user"))
        started = time.monotonic()
        last = {"at": 0.0, "phase": None}

        def progress(phase: str, done: int, total: int) -> None:
            now = time.monotonic()
            if phase != last["phase"] or now - last["at"] >= 0.5 or done >= total:
                percent = 100 * done // total if total else 100
                label = (DRY_PHASES if dry_run else PHASES).get(phase, phase)
                self.stdout.write(f"{label}: {percent}%")
                last.update(at=now, phase=phase)

        try:
            outside = _outside_reach(file, user)
            if outside:
                self._refused(outside, file, report)
            result = run_import(
                file,
                file_name=file.name,
                user=user,
                actor=Actor(id=None, name=f"dòng lệnh «ktgs import» ({_system_account()})"),
                dry_run=dry_run,
                progress=progress,
            )
        except FileRefused as exc:
            raise CommandError(str(exc)) from exc
        if not result.ok:
            self._refused(result.problems, file, report)
        self._done(result, dry_run, started)

    def _refused(self, problems: list, file: Path, report: Path | None):
        for p in problems:
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
        write_problem_report(problems, path)
        self.stderr.write(f"{format_int(len(problems))} lỗi; không ghi gì. Báo cáo lỗi: {path}")
        raise SystemExit(1)

    def _done(self, result, dry_run: bool, started: float):
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


def _user(username: str | None):
    if not username:
        return None
    from ktgs.accounts.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"Không có người dùng đang hoạt động tên «{username}».")
    return user


def _outside_reach(file: Path, user) -> list:
    """As the upload page: with --user, every unit and member outside what they may change."""
    if user is None:
        return []
    from ktgs.accounts.access import visible_to
    from ktgs.exchange.reach import outside_reach

    return outside_reach(file, file.name, visible_to(user), Problem)


def _system_account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "không rõ tài khoản"
