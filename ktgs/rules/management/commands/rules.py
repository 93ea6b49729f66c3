from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ktgs.rules.pack import load_pack


class Command(BaseCommand):
    help = "Bộ quy tắc: `ktgs rules load` nạp lại các dòng từ tệp dữ liệu (ktgs/rules/data)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])

    def handle(self, *args, action, **options):
        try:
            with transaction.atomic():
                written, deleted = load_pack()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã nạp {written} dòng quy tắc; bỏ {deleted} dòng không còn trong tệp.")
