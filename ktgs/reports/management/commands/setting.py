"""`ktgs setting …`: the office's settings. It lives in `reports`, the last app of the dependency
order, because it sets what earlier apps read (`in-use-since`, read by inspections and
discipline) and what reports read (the cut-off day and deadline of each kind of period)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ktgs.core.vietnamese import format_date, parse_date
from ktgs.inspections.services import in_use_since, office_in_use_since_set
from ktgs.reports.periods import CALENDAR_KINDS, DEADLINE_KINDS, PeriodKind, period_settings
from ktgs.reports.services import period_cutoff_set, period_deadline_set

ALL = "tat-ca"
CALENDAR_END = "cuoi-thang"
NO_DEADLINE = "khong"


def _kind_help(kinds) -> str:
    return ", ".join(f"{k} ({PeriodKind(k).label})" for k in kinds) + f", {ALL} (mọi kỳ trên)"


class Command(BaseCommand):
    help = (
        "Thiết lập của đơn vị. `ktgs setting in-use-since NGÀY/THÁNG/NĂM`: ngày bắt đầu dùng "
        "KTGS — hồ sơ kiểm tra, giám sát có ngày quyết định trước ngày này là hồ sơ cũ, nhập từ "
        "tệp được kèm cảnh báo khi trái quy định về thẩm quyền thay vì bị từ chối. "
        "`ktgs setting period-cutoff KỲ NGÀY`: ngày chốt số liệu của kỳ báo cáo (ví dụ 15: kỳ "
        "kết thúc ngày 15, bắt đầu ngày 16 của tháng trước; cuoi-thang: theo tháng dương lịch). "
        "`ktgs setting period-deadline KỲ SỐ_NGÀY`: hạn gửi báo cáo, số ngày sau ngày cuối kỳ "
        "(khong: bỏ hạn). `ktgs setting show`: xem các thiết lập."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action",
            required=True,
            metavar="in-use-since|period-cutoff|period-deadline|show",
        )
        since = sub.add_parser("in-use-since", help="đặt ngày bắt đầu dùng KTGS (ví dụ 01/01/2026)")
        since.add_argument("day", metavar="NGÀY/THÁNG/NĂM")
        cutoff = sub.add_parser(
            "period-cutoff",
            help="đặt ngày chốt số liệu của một kỳ báo cáo (ví dụ: period-cutoff nam 15)",
        )
        cutoff.add_argument("kind", metavar="KỲ", help=_kind_help(CALENDAR_KINDS))
        cutoff.add_argument(
            "value", metavar="NGÀY", help=f"ngày trong tháng, 1–28, hoặc {CALENDAR_END}"
        )
        deadline = sub.add_parser(
            "period-deadline",
            help="đặt hạn gửi báo cáo của một kỳ, số ngày sau ngày cuối kỳ (ví dụ: "
            "period-deadline thang 5)",
        )
        deadline.add_argument("kind", metavar="KỲ", help=_kind_help(DEADLINE_KINDS))
        deadline.add_argument("value", metavar="SỐ_NGÀY", help=f"0–366, hoặc {NO_DEADLINE}")
        sub.add_parser("show", help="xem các thiết lập của đơn vị")

    def handle(self, *args, action: str, **options):
        if action == "show":
            self._show()
        elif action == "in-use-since":
            self._in_use_since(options["day"])
        elif action == "period-cutoff":
            kinds = self._kinds(options["kind"], CALENDAR_KINDS)
            day = self._number(options["value"], CALENDAR_END, "Ngày chốt số liệu")
            self._apply(period_cutoff_set, kinds, day)
            shown = "cuối tháng dương lịch" if day is None else f"ngày {day}"
            self.stdout.write(self.style.SUCCESS(f"Ngày chốt số liệu {self._of(kinds)}: {shown}."))
        else:
            kinds = self._kinds(options["kind"], DEADLINE_KINDS)
            days = self._number(options["value"], NO_DEADLINE, "Hạn báo cáo")
            self._apply(period_deadline_set, kinds, days)
            shown = "không đặt" if days is None else f"{days} ngày sau ngày cuối kỳ"
            self.stdout.write(self.style.SUCCESS(f"Hạn báo cáo {self._of(kinds)}: {shown}."))

    def _in_use_since(self, text: str) -> None:
        try:
            day = parse_date(text)
        except (ValueError, ValidationError) as exc:
            raise CommandError(
                f"«{text}» không phải ngày dạng ngày/tháng/năm (ví dụ 01/01/2026)."
            ) from exc
        if day > timezone.localdate():
            raise CommandError("Ngày bắt đầu dùng KTGS chưa đến; ghi ngày từ hôm nay trở về trước.")
        office_in_use_since_set(day)
        self.stdout.write(self.style.SUCCESS(f"Ngày bắt đầu dùng KTGS: {format_date(day)}."))

    @staticmethod
    def _kinds(text: str, allowed) -> list[str]:
        text = text.strip().lower()
        return list(allowed) if text == ALL else [text]  # an unknown kind: the service says so

    @staticmethod
    def _number(text: str, none_word: str, label: str) -> int | None:
        text = text.strip().lower()
        if text == none_word:
            return None
        if not text.isdigit():
            raise CommandError(f"{label} «{text}» không phải một số; ghi số hoặc «{none_word}».")
        return int(text)

    @staticmethod
    def _apply(service, kinds: list[str], value: int | None) -> None:
        try:
            service(kinds, value)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    @staticmethod
    def _of(kinds: list[str]) -> str:
        return "của kỳ " + ", ".join(PeriodKind(k).label.lower() for k in kinds)

    def _show(self) -> None:
        since = in_use_since()
        shown = format_date(since) if since else "chưa đặt (mọi hồ sơ đều phải đúng quy định)"
        self.stdout.write(f"Ngày bắt đầu dùng KTGS (in-use-since): {shown}")
        settings = period_settings()
        self.stdout.write("Kỳ báo cáo (period-cutoff, period-deadline):")
        for kind in DEADLINE_KINDS:
            cutoff = settings.cutoff(kind)
            if kind == PeriodKind.TERM:
                cut = "theo ngày của nhiệm kỳ"
            else:
                cut = "cuối tháng dương lịch" if cutoff is None else f"ngày {cutoff}"
            days = settings.deadline_days(kind)
            due = "chưa đặt" if days is None else f"{days} ngày sau ngày cuối kỳ"
            self.stdout.write(f"  {PeriodKind(kind).label} ({kind}): chốt số liệu {cut}; hạn {due}")
