from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "backend.public"
    label = "public"
    verbose_name = _("年度の公開")
