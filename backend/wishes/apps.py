from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "backend.wishes"
    label = "wishes"
    verbose_name = _("希望・不可・二次調整")
