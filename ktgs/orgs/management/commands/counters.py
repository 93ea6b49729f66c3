"""`ktgs counters check` recomputes the per-unit counters (orgs.counters) and the members'
areas (orgs.areas) and lists the drift; `--fix` writes the recomputed figures, with one audit
event."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from ktgs.audit.context import Actor, current_actor
from ktgs.orgs import areas, counters

SHOWN = 50  # drift lines printed; the count says how many in all


class Command(BaseCommand):
    help = (
        "Số liệu theo tổ chức (số đảng viên, đảng viên dự bị, tổ chức cơ sở, chi bộ mà cây tổ "
        "chức và trang tổ chức đọc): `ktgs counters check` tính lại từ dữ liệu đảng viên và tổ "
        "chức, in chỗ lệch (tổ chức, số liệu, đang lưu, tính lại; số đảng viên ghi sai vùng tìm "
        "kiếm) và trả mã 1 nếu có; --fix ghi "
        "số liệu tính lại, có ghi nhật ký (docs/decisions/0013-unit-counters.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check"])
        parser.add_argument(
            "--fix", action="store_true", help="ghi lại số liệu tính lại (có ghi nhật ký)"
        )

    def handle(self, *args, action, fix, **options):
        wrong_areas = areas.drifted()
        if fix:
            token = current_actor.set(
                Actor(id=None, name=f"dòng lệnh «ktgs counters check --fix» ({_account()})")
            )
            try:
                drifts = counters.fix(wrong_areas=wrong_areas)
            finally:
                current_actor.reset(token)
        else:
            drifts = counters.check()
        if not drifts and not wrong_areas:
            self.stdout.write(self.style.SUCCESS("Số liệu theo tổ chức khớp với dữ liệu."))
            return
        if wrong_areas:
            self.stdout.write(
                f"{wrong_areas} đảng viên ghi sai vùng tìm kiếm (Member.area) so với chi bộ "
                "đang sinh hoạt"
            )
        for d in drifts[:SHOWN]:
            self.stdout.write(
                f"{d.code}\t{d.counter}\tđang lưu {d.stored}\ttính lại {d.recomputed}"
            )
        if len(drifts) > SHOWN:
            self.stdout.write(f"… và {len(drifts) - SHOWN} chỗ lệch khác.")
        units = len({d.unit_id for d in drifts})
        if fix:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Đã ghi lại số liệu của {units} tổ chức ({len(drifts)} chỗ lệch) và vùng "
                    f"tìm kiếm của {wrong_areas} đảng viên."
                )
            )
            return
        raise CommandError(
            f"{len(drifts)} chỗ lệch ở {units} tổ chức, {wrong_areas} đảng viên sai vùng; chạy "
            "`ktgs counters check --fix` để ghi "
            "lại số liệu tính từ dữ liệu."
        )


def _account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "không rõ tài khoản"
