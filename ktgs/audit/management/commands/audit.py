"""`ktgs audit verify` checks the hash chain; `ktgs audit head` prints its head."""

import json

from django.core.management.base import BaseCommand, CommandError

from ktgs.audit import head
from ktgs.audit.models import AuditEvent
from ktgs.audit.verify import verify


class Command(BaseCommand):
    help = "Kiểm tra chuỗi nhật ký thao tác (verify) hoặc in đầu chuỗi (head)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "head"])

    def handle(self, *args, action, **opts):
        if action == "head":
            last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
            self.stdout.write(
                json.dumps({"database": last, "recorded": head.read()}, ensure_ascii=False)
            )
            return
        verdict = verify()
        if not verdict.ok:
            raise CommandError(verdict.message)
        self.stdout.write(self.style.SUCCESS(verdict.message))
