"""`ktgs demo`: load the demo bloc (Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh) and its users."""

import time

from django.core.management.base import BaseCommand, CommandError

from ktgs.core.vietnamese import format_date, format_int
from ktgs.demo.builder import (
    DEFAULT_MEMBERS,
    DEMO_REFERENCE_DATE,
    NOT_EMPTY,
    DemoError,
    build_demo,
    check_size,
    demo_logins,
    demo_second_factors,
)
from ktgs.orgs.models import OrgUnit


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu vào cơ sở dữ liệu trống: Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh "
        "Hòa An (44 đảng bộ cơ sở, 288 chi bộ trực thuộc, 28 chi bộ cơ sở, 4.759 đảng viên tại "
        "ngày 30/06/2023) và các tài khoản dùng thử."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members",
            type=int,
            default=DEFAULT_MEMBERS,
            metavar="N",
            help=f"số đảng viên của Đảng bộ Khối (mặc định {DEFAULT_MEMBERS}; số tổ chức "
            "tăng, giảm theo tỷ lệ)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="không làm gì (chỉ báo một dòng) nếu cơ sở dữ liệu đã có tổ chức đảng",
        )
        parser.add_argument(
            "--print-logins",
            action="store_true",
            help="in bảng tài khoản dùng thử (một lần); không kèm --if-empty thì chỉ in rồi thoát",
        )

    def handle(self, *args, members: int, if_empty: bool, print_logins: bool, **options):
        if print_logins and not if_empty:
            self.print_logins()
            return
        try:
            check_size(members)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        if OrgUnit.objects.exists():
            if if_empty:
                self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; không nạp dữ liệu mẫu.")
                if print_logins:
                    self.print_logins()
                return
            raise CommandError(NOT_EMPTY)
        started = time.monotonic()
        try:
            counts = build_demo(members=members)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(summary(counts, time.monotonic() - started)))
        self.print_logins()

    def print_logins(self) -> None:
        header = ("Tên đăng nhập", "Mật khẩu", "Vai trò", "Mã 2 lớp", "Đơn vị")
        rows = [header, *demo_logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
        self.stdout.write("Tài khoản dùng thử:")
        for row in rows:
            cells = [text.ljust(width) for text, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[-1]]))
        self.print_second_factors()

    def print_second_factors(self) -> None:
        self.stdout.write(
            "Mã 2 lớp (bắt buộc với quản trị hệ thống và lãnh đạo UBKT): sau mật khẩu, nhập mã "
            "6 chữ số của ứng dụng xác thực (Google Authenticator, FreeOTP…) đã thêm khóa dưới "
            "đây, hoặc một mã dự phòng (mỗi mã dùng được một lần):"
        )
        factors = demo_second_factors()
        width = max(len(username) for username, _secret, _codes in factors)
        for username, secret, codes in factors:
            key = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
            self.stdout.write(f"  {username.ljust(width)}  khóa        {key}")
            self.stdout.write(f"  {' ' * width}  mã dự phòng {', '.join(codes)}")


def summary(counts: dict, seconds: float) -> str:
    return (
        f"Đã nạp dữ liệu mẫu trong {seconds:.1f} giây: {format_int(counts['units'])} tổ chức "
        f"đảng; Đảng bộ Khối có {format_int(counts['grassroots'])} tổ chức cơ sở đảng "
        f"({format_int(counts['base_committees'])} đảng bộ cơ sở với "
        f"{format_int(counts['cells'])} chi bộ trực thuộc, {format_int(counts['base_cells'])} "
        f"chi bộ cơ sở) và {format_int(counts['members'])} đảng viên tại ngày "
        f"{format_date(DEMO_REFERENCE_DATE)}."
    )
