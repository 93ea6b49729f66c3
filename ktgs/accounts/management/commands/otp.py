"""`ktgs otp TÊN`: give a user a new authenticator secret (and backup codes), or remove them."""

from django.core.management.base import BaseCommand, CommandError

from ktgs.accounts.models import User
from ktgs.accounts.services import two_factor_issue, two_factor_remove
from ktgs.accounts.twofactor import base32_secret, grouped


class Command(BaseCommand):
    help = (
        "Xác thực hai lớp của một người dùng: cấp khóa bí mật mới cho ứng dụng xác thực (thay "
        "khóa cũ) và in ra một lần, kèm mã dự phòng nếu cần (--backup N); hoặc gỡ bỏ khi người "
        "dùng mất điện thoại (--remove): lần đăng nhập sau họ tự cài đặt lại."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="tên đăng nhập")
        parser.add_argument(
            "--backup", type=int, default=0, metavar="N", help="số mã dự phòng (dùng một lần)"
        )
        parser.add_argument("--remove", action="store_true", help="gỡ mọi thiết bị xác thực")

    def handle(self, *args, username: str, backup: int, remove: bool, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng «{username}».")
        if not 0 <= backup <= 20:
            raise CommandError("Số mã dự phòng phải từ 0 đến 20.")
        if remove:
            removed = two_factor_remove(user=user)
            self.stdout.write(f"Đã gỡ {removed} thiết bị xác thực của «{username}».")
            return
        device, codes = two_factor_issue(user=user, backup_codes=backup)
        self.stdout.write(f"Khóa bí mật của «{username}» (nhập vào ứng dụng xác thực):")
        self.stdout.write(f"  {grouped(base32_secret(device.key))}")
        self.stdout.write(f"  {device.config_url}")
        if codes:
            self.stdout.write(f"Mã dự phòng (mỗi mã dùng một lần): {', '.join(codes)}")
        self.stdout.write("Giữ các mã này như mật khẩu; chúng không được in lại.")
