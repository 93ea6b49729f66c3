"""`ktgs createadmin`: the first system administrator of a real install."""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ktgs.accounts.models import Role
from ktgs.accounts.services import role_assign, user_create
from ktgs.core.dates import future_message
from ktgs.core.vietnamese import parse_date
from ktgs.orgs.models import OrgKind, OrgUnit
from ktgs.orgs.services import unit_create


class Command(BaseCommand):
    help = (
        "Tạo quản trị hệ thống đầu tiên. Nếu chưa có tổ chức nào, tạo luôn tổ chức gốc "
        "(--root-code, --root-name). Mật khẩu lấy từ biến môi trường KTGS_ADMIN_PASSWORD "
        "hoặc được hỏi khi chạy."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="tên đăng nhập của quản trị viên")
        parser.add_argument("--full-name", default="", help="họ và tên")
        parser.add_argument("--unit", help="mã tổ chức nơi quản trị viên được giao quyền")
        parser.add_argument("--root-code", help="mã tổ chức gốc cần tạo (khi chưa có tổ chức)")
        parser.add_argument("--root-name", help="tên tổ chức gốc, ví dụ «Đảng bộ tỉnh X»")
        parser.add_argument(
            "--root-kind", default="province", help="mã loại tổ chức gốc (mặc định: province)"
        )
        parser.add_argument(
            "--root-founded",
            help="ngày thành lập tổ chức gốc, dd/mm/yyyy (mặc định: hôm nay). Ghi ngày thật, "
            "không sau hôm nay: lịch sử (tổ chức, đảng viên, hồ sơ) trước ngày này bị từ chối",
        )

    def handle(self, *args, **opts):
        if opts["root_founded"]:  # refused before the password is asked
            opts["root_founded"] = _founded(opts["root_founded"])
        password = os.environ.get("KTGS_ADMIN_PASSWORD") or self._ask_password()
        try:
            with transaction.atomic():
                unit = self._unit(opts)
                user = user_create(
                    username=opts["username"], password=password, full_name=opts["full_name"]
                )
                user.is_staff = True
                user.save(update_fields=["is_staff"])
                role_assign(
                    user=user, unit=unit, role=Role.SYSADMIN, starts_on=timezone.localdate()
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Đã tạo quản trị hệ thống «{user.username}» tại «{unit.name}».")
        )

    def _ask_password(self) -> str:
        first = getpass.getpass("Mật khẩu: ")
        if first != getpass.getpass("Nhập lại mật khẩu: "):
            raise CommandError("Hai lần nhập mật khẩu không khớp.")
        return first

    def _unit(self, opts) -> OrgUnit:
        if opts["unit"]:
            unit = OrgUnit.objects.live().filter(code=opts["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có tổ chức mã «{opts['unit']}».")
            return unit
        if OrgUnit.objects.exists():
            raise CommandError("Đã có tổ chức: hãy chỉ rõ --unit MÃ_TỔ_CHỨC.")
        if not (opts["root_code"] and opts["root_name"]):
            raise CommandError(
                "Chưa có tổ chức nào: hãy cho --root-code và --root-name để tạo tổ chức gốc."
            )
        kind = OrgKind.objects.filter(code=opts["root_kind"]).first()
        if kind is None:
            raise CommandError(f"Không có loại tổ chức «{opts['root_kind']}».")
        return unit_create(
            code=opts["root_code"],
            name=opts["root_name"],
            kind=kind,
            parent=None,
            starts_on=opts["root_founded"] or timezone.localdate(),
        )


def _founded(text: str):
    """--root-founded: dd/mm/yyyy, not after today."""
    try:
        day = parse_date(text)
    except ValueError as exc:
        raise CommandError(f"--root-founded: {exc}") from None
    problem = future_message(day)
    if problem:
        raise CommandError(f"--root-founded: {problem} Ghi ngày thành lập thật của tổ chức gốc.")
    return day
