from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ktgs.accounts"
    label = "accounts"
