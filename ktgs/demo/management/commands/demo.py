"""`ktgs demo`: load the demo bloc (Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh) and its users."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

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
from ktgs.demo.nation import NationError, build_nation, check_scale, user_unit_names
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
            "--tier",
            choices=("bloc", "nation"),
            default="bloc",
            help="bloc: Đảng bộ Khối mẫu (mặc định); nation: cả nước sau sắp xếp 2025 (34 tỉnh, "
            "thành phố, 3.321 xã, phường, khoảng 55.000 tổ chức cơ sở đảng, 5,6 triệu đảng viên; "
            "chỉ PostgreSQL, trừ khi dùng --scale nhỏ)",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            metavar="F",
            help="với --tier nation: tỷ lệ so với cả nước (ví dụ 0,01 là 56.000 đảng viên)",
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

    def handle(self, *args, members, tier, scale, if_empty, print_logins, **options):
        if print_logins and not if_empty:
            self.print_logins()
            return
        try:
            if tier == "nation":
                check_scale(scale, connection.vendor)
            else:
                check_size(members)
        except (DemoError, NationError) as exc:
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
            if tier == "nation":
                counts = build_nation(
                    scale=scale, progress=self.progress(started, options["verbosity"])
                )
            else:
                counts = build_demo(members=members)
        except (DemoError, NationError) as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.monotonic() - started
        text = nation_summary(counts, seconds) if tier == "nation" else summary(counts, seconds)
        self.stdout.write(self.style.SUCCESS(text))
        self.print_logins(user_unit_names() if tier == "nation" else None)

    def progress(self, started: float, verbosity: int):
        def say(done: int, total: int, counts: dict) -> None:
            if verbosity > 1:
                self.stdout.write(
                    f"  {done}/{total} tỉnh, thành phố: {format_int(counts['members'])} đảng "
                    f"viên ({time.monotonic() - started:.0f} giây)"
                )

        return say

    def print_logins(self, names: dict[str, str] | None = None) -> None:
        header = ("Tên đăng nhập", "Mật khẩu", "Vai trò", "Mã 2 lớp", "Đơn vị")
        rows = [header, *demo_logins(names)]
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


def nation_summary(counts: dict, seconds: float) -> str:
    n = {key: format_int(value) for key, value in counts.items() if isinstance(value, int)}
    return (
        f"Đã nạp dữ liệu mẫu toàn quốc (tỷ lệ {counts['scale']:g}) trong {seconds:.1f} giây: "
        f"{n['provinces']} tỉnh, thành phố; {n['communes']} đảng bộ xã, phường; "
        f"{n['grassroots']} tổ chức cơ sở đảng ({n['base_committees']} đảng bộ cơ sở với "
        f"{n['cells']} chi bộ trực thuộc, {n['base_cells']} chi bộ cơ sở); {n['members']} "
        f"đảng viên; {n['inspections']} cuộc kiểm tra, giám sát với {n['subjects']} đối tượng; "
        f"{n['decisions']} quyết định kỷ luật."
    )


def summary(counts: dict, seconds: float) -> str:
    return (
        f"Đã nạp dữ liệu mẫu trong {seconds:.1f} giây: {format_int(counts['units'])} tổ chức "
        f"đảng; Đảng bộ Khối có {format_int(counts['grassroots'])} tổ chức cơ sở đảng "
        f"({format_int(counts['base_committees'])} đảng bộ cơ sở với "
        f"{format_int(counts['cells'])} chi bộ trực thuộc, {format_int(counts['base_cells'])} "
        f"chi bộ cơ sở) và {format_int(counts['members'])} đảng viên tại ngày "
        f"{format_date(DEMO_REFERENCE_DATE)}."
    )
