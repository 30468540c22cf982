from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bering.accounts"
    label = "accounts"
