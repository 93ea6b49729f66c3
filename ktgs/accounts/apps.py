from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ktgs.accounts"
    label = "accounts"

    def ready(self) -> None:
        from ktgs.accounts import sessions  # noqa: F401  (connects the user_logged_in receiver)
