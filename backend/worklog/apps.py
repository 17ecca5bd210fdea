from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklogConfig(AppConfig):
    name = "backend.worklog"
    label = "worklog"
    verbose_name = _("活動記録と月次確認")
