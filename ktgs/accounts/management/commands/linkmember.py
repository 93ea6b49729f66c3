"""`ktgs linkmember TÊN MÃ_ĐẢNG_VIÊN` (or `--remove`): record which party member a user is, so
that a letter accusing that member is hidden from them whatever their roles."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ktgs.accounts.models import User
from ktgs.accounts.services import user_member_link
from ktgs.orgs.models import Member


class Command(BaseCommand):
    help = (
        "Gắn tài khoản với hồ sơ đảng viên của chính người dùng (đơn thư tố cáo đảng viên đó "
        "không hiện với tài khoản này), hoặc gỡ bằng --remove."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="tên đăng nhập")
        parser.add_argument("code", nargs="?", help="mã đảng viên")
        parser.add_argument("--remove", action="store_true", help="gỡ gắn kết")

    def handle(self, *args, username: str, code: str | None, remove: bool, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng «{username}».")
        if remove == bool(code):
            raise CommandError("Ghi mã đảng viên để gắn, hoặc --remove để gỡ (không cả hai).")
        member = None
        if code:
            member = Member.objects.filter(code=code, voided_at__isnull=True).first()
            if member is None:
                raise CommandError(f"Không có đảng viên mã «{code}»; kiểm tra lại mã.")
        try:
            user_member_link(user=user, member=member)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if member is None:
            self.stdout.write(f"Đã gỡ hồ sơ đảng viên khỏi tài khoản «{username}».")
        else:
            self.stdout.write(f"Tài khoản «{username}» là đảng viên {member.code}.")
