"""`ktgs audit verify [--backup FILE...]` checks the chain; `ktgs audit head` prints its head;
`ktgs audit head --reset` writes a new signed head at the chain's end (after a check)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ktgs.audit import head
from ktgs.audit.anchors import AnchorError, from_backup
from ktgs.audit.models import AuditEvent
from ktgs.audit.verify import verify


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi nhật ký thao tác (verify; --backup TỆP... đối chiếu với đầu chuỗi của "
        "các bản sao lưu trước) hoặc in đầu chuỗi (head; --reset ghi lại đầu chuỗi)."
    )

    # verify reports missing triggers (and everything else) itself, with the first broken link;
    # the system check audit.E001 would stop it before it could.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"])
        parser.add_argument("--backup", nargs="+", type=Path, default=[], metavar="TỆP")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="head: ghi đầu chuỗi mới (ký bằng khóa) khi đầu chuỗi mất; chỉ dùng sau khi "
            "đã đối chiếu với bản sao lưu mới nhất (--backup).",
        )

    def handle(self, *args, action, backup, reset, **opts):
        try:
            anchors = [anchor for path in backup for anchor in from_backup(path)]
        except AnchorError as exc:
            raise CommandError(str(exc)) from exc
        last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
        if action == "head" and not reset:
            self.stdout.write(
                json.dumps({"database": last, "recorded": head.read()}, ensure_ascii=False)
            )
            return
        verdict = verify(anchors=anchors, check_head=not reset)
        if not verdict.ok:
            raise CommandError(verdict.message)
        if reset and last:
            head.write(head.signed(last["seq"], last["hash"]))
            self.stdout.write(f"Đã ghi đầu chuỗi mới: sự kiện số {last['seq']}.")
        self.stdout.write(self.style.SUCCESS(verdict.message))
