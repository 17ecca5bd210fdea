from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestrictionsConfig(AppConfig):
    name = "backend.restrictions"
    label = "restrictions"
    verbose_name = _("入札参加制限")
