from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GoalsConfig(AppConfig):
    name = "backend.goals"
    label = "goals"
    verbose_name = _("目標と評価")
