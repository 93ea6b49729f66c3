from itertools import groupby

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ktgs.core.vietnamese import format_date
from ktgs.letters import countdown
from ktgs.letters.models import Letter
from ktgs.letters.selectors import FILER_FIELDS
from ktgs.orgs.models import OrgUnit


class Command(BaseCommand):
    help = (
        "Đơn thư đến hạn, quá hạn (cho cron hằng ngày): mỗi cơ quan tiếp nhận, các đơn đang giải "
        "quyết có hạn trong N ngày làm việc tới (--within, mặc định "
        f"{countdown.DEFAULT_WITHIN}) hoặc đã quá hạn: số đơn, loại đơn, hạn, số ngày làm việc "
        "còn lại / quá hạn, người được giao xử lý. Không in thông tin người gửi."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--within",
            type=int,
            default=countdown.DEFAULT_WITHIN,
            help="số ngày làm việc tới (0–366)",
        )
        parser.add_argument(
            "--unit", default="", help="mã tổ chức đảng: chỉ cơ quan của tổ chức đó và cấp dưới"
        )

    def handle(self, *args, within, unit, **options):
        if not 0 <= within <= 366:
            raise CommandError("--within phải là số ngày làm việc từ 0 đến 366.")
        rows = Letter.objects.live().defer(*FILER_FIELDS).select_related("body", "handler")
        if unit:
            root = OrgUnit.objects.filter(code=unit).first()
            if root is None:
                raise CommandError(f"Không có tổ chức đảng mã «{unit}».")
            rows = rows.filter(unit__path__startswith=root.path)
        today = timezone.localdate()
        rows = countdown.due_query(rows, today, within)
        rows = sorted(rows, key=lambda r: (r.body.name, r.body_id, r.due_on, r.year, r.number))
        until = format_date(countdown.due_until(today, within))
        if not rows:
            self.stdout.write(
                f"Ngày {format_date(today)}: không có đơn quá hạn hay đến hạn đến {until}."
            )
            return
        total_late = 0
        for (name, _body), letters in groupby(rows, key=lambda r: (r.body.name, r.body_id)):
            late, soon = countdown.due_rows(list(letters), today, within)
            total_late += len(late)
            self.stdout.write(f"{name}: {len(late)} đơn quá hạn, {len(soon)} đơn đến hạn")
            for r in late + soon:
                self.stdout.write("  " + _line(r))
        self.stdout.write(
            f"Ngày {format_date(today)}, hạn đến {until}: {len(rows)} đơn, {total_late} quá hạn."
        )


def _line(r: countdown.DueRow) -> str:
    letter = r.letter
    when = f"quá hạn {r.late}" if r.days < 0 else f"còn {r.days}"
    handler = letter.handler.get_username() if letter.handler else "chưa giao người xử lý"
    return (
        f"Đơn số {letter.number}/{letter.year}\t{letter.get_kind_display()}\t"
        f"hạn {format_date(letter.due_on)}\t{when} ngày làm việc\t{handler}"
    )
