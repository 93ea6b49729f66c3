"""`ktgs setting in-use-since DD/MM/YYYY` and `ktgs setting show`: the office's settings."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ktgs.core.vietnamese import format_date, parse_date
from ktgs.inspections.services import in_use_since, office_in_use_since_set


class Command(BaseCommand):
    help = (
        "Thiết lập của đơn vị. `ktgs setting in-use-since NGÀY/THÁNG/NĂM`: ngày bắt đầu dùng "
        "KTGS — hồ sơ kiểm tra, giám sát có ngày quyết định trước ngày này là hồ sơ cũ, nhập từ "
        "tệp được kèm cảnh báo khi trái quy định về thẩm quyền thay vì bị từ chối. "
        "`ktgs setting show`: xem các thiết lập."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="in-use-since|show")
        since = sub.add_parser("in-use-since", help="đặt ngày bắt đầu dùng KTGS (ví dụ 01/01/2026)")
        since.add_argument("day", metavar="NGÀY/THÁNG/NĂM")
        sub.add_parser("show", help="xem các thiết lập của đơn vị")

    def handle(self, *args, action: str, **options):
        if action == "show":
            self._show()
            return
        try:
            day = parse_date(options["day"])
        except (ValueError, ValidationError) as exc:
            raise CommandError(
                f"«{options['day']}» không phải ngày dạng ngày/tháng/năm (ví dụ 01/01/2026)."
            ) from exc
        if day > timezone.localdate():
            raise CommandError("Ngày bắt đầu dùng KTGS chưa đến; ghi ngày từ hôm nay trở về trước.")
        office_in_use_since_set(day)
        self.stdout.write(self.style.SUCCESS(f"Ngày bắt đầu dùng KTGS: {format_date(day)}."))

    def _show(self) -> None:
        since = in_use_since()
        shown = format_date(since) if since else "chưa đặt (mọi hồ sơ đều phải đúng quy định)"
        self.stdout.write(f"Ngày bắt đầu dùng KTGS (in-use-since): {shown}")
