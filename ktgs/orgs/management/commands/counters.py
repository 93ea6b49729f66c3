"""`ktgs counters check` recomputes the per-unit counters (orgs.counters) and lists the drift;
`--fix` writes the recomputed figures, with one audit event."""

import getpass

from django.core.management.base import BaseCommand, CommandError

from ktgs.audit.context import Actor, current_actor
from ktgs.orgs import counters

SHOWN = 50  # drift lines printed; the count says how many in all


class Command(BaseCommand):
    help = (
        "Số liệu theo tổ chức (số đảng viên, đảng viên dự bị, tổ chức cơ sở, chi bộ mà cây tổ "
        "chức và trang tổ chức đọc): `ktgs counters check` tính lại từ dữ liệu đảng viên và tổ "
        "chức, in chỗ lệch (tổ chức, số liệu, đang lưu, tính lại) và trả mã 1 nếu có; --fix ghi "
        "số liệu tính lại, có ghi nhật ký (docs/decisions/0013-unit-counters.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["check"])
        parser.add_argument(
            "--fix", action="store_true", help="ghi lại số liệu tính lại (có ghi nhật ký)"
        )

    def handle(self, *args, action, fix, **options):
        if fix:
            token = current_actor.set(
                Actor(id=None, name=f"dòng lệnh «ktgs counters check --fix» ({_account()})")
            )
            try:
                drifts = counters.fix()
            finally:
                current_actor.reset(token)
        else:
            drifts = counters.check()
        if not drifts:
            self.stdout.write(self.style.SUCCESS("Số liệu theo tổ chức khớp với dữ liệu."))
            return
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
                    f"Đã ghi lại số liệu của {units} tổ chức ({len(drifts)} chỗ lệch)."
                )
            )
            return
        raise CommandError(
            f"{len(drifts)} chỗ lệch ở {units} tổ chức; chạy `ktgs counters check --fix` để ghi "
            "lại số liệu tính từ dữ liệu."
        )


def _account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "không rõ tài khoản"
