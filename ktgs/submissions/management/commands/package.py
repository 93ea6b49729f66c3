"""`ktgs package`: report packages between installations (docs/submissions.md, «Gói báo cáo giữa
hai hệ thống»), as the operator of this installation (every unit, recorded as the command line)."""

import getpass
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ktgs.accounts.access import Grant, Scope
from ktgs.accounts.models import Role
from ktgs.audit.context import Actor, current_actor
from ktgs.orgs.models import OrgUnit
from ktgs.reports.periods import PeriodError, UnitPeriods
from ktgs.submissions import packages, services, signing

OPERATOR = Scope(grants=(Grant("", Role.INSPECTOR),), roots=("",))


class Command(BaseCommand):
    help = (
        "Gói báo cáo giữa hai hệ thống KTGS. Ở hệ thống của đơn vị: `ktgs package keygen MÃ` "
        "tạo khóa ký (--ly-do khi thay khóa), `ktgs package pubkey MÃ` in khóa công khai và dấu "
        "vân tay, `ktgs package export MÃ --ky nam --nam 2023 [--output TỆP]` xuất gói của báo "
        "cáo đã nộp. Ở hệ thống cấp trên: `ktgs package register CẤP_TRÊN MÃ TỆP_PEM` đăng ký "
        "khóa công khai (--ly-do khi thay), `ktgs package import CẤP_TRÊN TỆP` nhập gói."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["keygen", "pubkey", "export", "register", "import"])
        parser.add_argument("values", nargs="*", metavar="THAM_SO")
        parser.add_argument("--ly-do", default="", dest="reason")
        parser.add_argument("--ky", default="nam", help="loại kỳ: thang, quy-1, 6-thang, ...")
        parser.add_argument("--nam", default="")
        parser.add_argument("--thang", default="")
        parser.add_argument("--output", default="")

    def handle(self, *args, action, **options):
        need = {"keygen": 1, "pubkey": 1, "export": 1, "register": 3, "import": 2}[action]
        if len(options["values"]) != need:
            raise CommandError(
                f"`ktgs package {action}` cần {need} tham số: xem ktgs help package."
            )
        token = current_actor.set(
            Actor(id=None, name=f"dòng lệnh «ktgs package {action}» ({_account()})")
        )
        try:
            values = options.pop("values")
            getattr(self, "_" + action)(*values, **options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        finally:
            current_actor.reset(token)

    def _keygen(self, code, *, reason, **_):
        row = packages.key_create(scope=OPERATOR, unit=_unit(code), reason=reason)
        self.stdout.write(f"Đã tạo khóa ký của {row.unit.name}.")
        self._print_key(row)

    def _pubkey(self, code, **_):
        row = packages.key_of(_unit(code))
        if row is None:
            raise CommandError(f"{code} chưa có khóa ký: chạy `ktgs package keygen {code}`.")
        self._print_key(row)

    def _print_key(self, row):
        self.stdout.write(f"Dấu vân tay: {signing.pretty(row.fingerprint)}")
        self.stdout.write(row.public_pem.rstrip())

    def _export(self, code, *, ky, nam, thang, output, **_):
        unit = _unit(code)
        query = {k: v for k, v in {"ky": ky, "nam": nam, "thang": thang}.items() if v}
        try:
            period = UnitPeriods(unit).parse(query)
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        if period is None:
            raise CommandError("Chưa chọn kỳ: --ky nam --nam 2023 (hoặc --ky thang --thang 5 ...).")
        package = packages.export(scope=OPERATOR, unit=unit, slot=services.period_slot(period))
        target = Path(output) if output else Path(package.filename)
        if target.is_dir():
            target = target / package.filename
        target.write_bytes(package.content)
        self.stdout.write(f"Đã xuất gói {target} (SHA-256 {package.export.sha256}).")

    def _register(self, superior, code, pem_file, *, reason, **_):
        try:
            pem = sys.stdin.read() if pem_file == "-" else Path(pem_file).read_text()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Không đọc được tệp khóa {pem_file}: {exc}") from None
        row = packages.key_register(
            scope=OPERATOR, superior=_unit(superior), unit=_unit(code), pem=pem, reason=reason
        )
        self.stdout.write(
            f"Đã đăng ký khóa ký của {row.unit.name}, dấu vân tay "
            f"{signing.pretty(row.fingerprint)}."
        )

    def _import(self, superior, path, **_):
        try:
            with open(path, "rb") as f:
                data = f.read(packages.MAX_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc}") from None
        row = packages.import_package(scope=OPERATOR, superior=_unit(superior), data=data)
        sub = row.submission
        self.stdout.write(
            f"Đã nhập gói của {row.unit.name}: kỳ {sub.slot}, lần {sub.version}."
            + (f" Cảnh báo: {row.history}" if row.history else "")
        )


def _unit(code: str) -> OrgUnit:
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(f"Không có tổ chức đảng mã {code}.")
    return unit


def _account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "không rõ tài khoản"
