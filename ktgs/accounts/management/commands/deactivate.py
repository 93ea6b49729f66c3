"""`ktgs deactivate TÊN`: lock a user's account and end their sessions at once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ktgs.accounts.models import User
from ktgs.accounts.services import user_deactivate


class Command(BaseCommand):
    help = "Khóa tài khoản của một người dùng và kết thúc ngay mọi phiên đăng nhập của họ."

    def add_arguments(self, parser):
        parser.add_argument("username", help="tên đăng nhập")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng «{username}».")
        try:
            ended = user_deactivate(user=user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Đã khóa tài khoản «{username}» và kết thúc {ended} phiên đăng nhập.")
