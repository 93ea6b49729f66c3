import getpass

from django.core.management.base import BaseCommand, CommandError

from ktgs.audit.context import Actor, current_actor
from ktgs.letters import crypto, services
from ktgs.letters.models import Letter


class Command(BaseCommand):
    help = (
        "Đơn thư: `ktgs letters rotate-key` mã hóa lại thông tin người gửi của mọi đơn bằng khóa "
        "hiện tại (KTGS_LETTERS_KEY), sau khi đã chuyển khóa cũ vào KTGS_LETTERS_KEYS_OLD; xong "
        "thì có thể bỏ khóa cũ; `ktgs letters reindex` tính lại chỉ mục tìm đơn cùng người gửi "
        "sau khi đổi KTGS_LETTERS_INDEX_KEY (docs/security.md, «Khóa — keys»)."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rotate-key", "reindex"])

    def handle(self, *args, action, **options):
        if action == "reindex":
            token = current_actor.set(
                Actor(id=None, name=f"dòng lệnh «ktgs letters reindex» ({_account()})")
            )
            try:
                count = services.indexes_rebuild()
            except crypto.InvalidToken as exc:
                raise CommandError(
                    "Có thông tin người gửi không giải mã được bằng các khóa đơn thư hiện có: "
                    "thêm khóa cũ còn thiếu vào KTGS_LETTERS_KEYS_OLD rồi chạy lại. Chưa thay đổi gì."
                ) from exc
            finally:
                current_actor.reset(token)
            self.stdout.write(
                f"Đã tính lại chỉ mục tìm đơn cùng người gửi của {count} đơn bằng khóa chỉ mục "
                "hiện tại (KTGS_LETTERS_INDEX_KEY)."
            )
            return
        try:
            token = current_actor.set(
                Actor(id=None, name=f"dòng lệnh «ktgs letters rotate-key» ({_account()})")
            )
            try:
                count = services.identities_rotate()
            finally:
                current_actor.reset(token)
        except crypto.InvalidToken as exc:
            raise CommandError(
                "Có thông tin người gửi không giải mã được bằng khóa hiện tại hay các khóa trong "
                "KTGS_LETTERS_KEYS_OLD: thêm khóa cũ còn thiếu rồi chạy lại. Chưa thay đổi gì."
            ) from exc
        left = sum(
            1
            for row in Letter.objects.only(*services.FILER_FIELDS).iterator()
            if not all(crypto.under_current_key(getattr(row, f)) for f in services.FILER_FIELDS)
        )
        if left:
            raise CommandError(f"Còn {left} đơn chưa được mã hóa bằng khóa hiện tại.")
        self.stdout.write(
            f"Đã mã hóa lại thông tin người gửi của {count} đơn bằng khóa hiện tại; có thể bỏ các "
            "khóa trong KTGS_LETTERS_KEYS_OLD."
        )


def _account() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "không rõ tài khoản"
