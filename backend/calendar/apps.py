from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "backend.calendar"
    label = "calendar"
    verbose_name = _("暦（閉庁日）")
