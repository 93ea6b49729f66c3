from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ktgs.rules import docs
from ktgs.rules.pack import load_pack


class Command(BaseCommand):
    help = (
        "Bộ quy tắc: `ktgs rules load` nạp lại các dòng từ tệp dữ liệu (ktgs/rules/data); "
        "`ktgs rules docs [--check]` sinh lại docs/rules.md (--check: chỉ kiểm tra)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "docs"])
        parser.add_argument("--check", action="store_true", help="chỉ kiểm tra docs/rules.md")

    def handle(self, *args, action, check=False, **options):
        try:
            if action == "docs":
                return self._docs(check)
            with transaction.atomic():
                written, deleted = load_pack()
        except (FileNotFoundError, ValueError) as exc:  # a missing file or a malformed row
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã nạp {written} dòng quy tắc; bỏ {deleted} dòng không còn trong tệp.")

    def _docs(self, check: bool) -> None:
        if check:
            if docs.differs():
                raise CommandError(
                    "docs/rules.md không khớp với bộ quy tắc (ktgs/rules/data/*.toml, "
                    "ktgs/rules/docs_intro.md): chạy `ktgs rules docs` để sinh lại rồi commit."
                )
            self.stdout.write("docs/rules.md khớp với bộ quy tắc.")
            return
        docs.write()
        self.stdout.write(f"Đã ghi {docs.DOCS_PATH}.")
