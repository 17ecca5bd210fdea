from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "backend.accounts"
    label = "accounts"

    def ready(self):
        from backend.accounts import mails  # noqa: F401  (registers the messages the mail worker builds)
