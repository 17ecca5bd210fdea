from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "backend.visits"
    label = "visits"
    verbose_name = _("訪問予定")

    def ready(self):
        # An engagement that ends early or never starts cancels its later dates (backend.core.hooks).
        from backend.engagements.hooks import ENGAGEMENT_ENDED
        from backend.visits.services import visits_cancel_after_end

        ENGAGEMENT_ENDED.register(visits_cancel_after_end)
