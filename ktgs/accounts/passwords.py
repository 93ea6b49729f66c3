"""Password rules in Vietnamese where Django's own translation falls short."""

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule (no upper limit: long passphrases are welcome), said in Vietnamese."""

    def get_error_message(self) -> str:
        return (
            f"Mật khẩu quá ngắn: cần ít nhất {self.min_length} ký tự. Một câu dài, dễ nhớ "
            "là mật khẩu tốt."
        )

    def get_help_text(self) -> str:
        return f"Mật khẩu cần ít nhất {self.min_length} ký tự; không giới hạn độ dài."
