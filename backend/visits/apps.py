from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "backend.visits"
    label = "visits"
    verbose_name = _("訪問予定")

    def ready(self):
        # An engagement that ends early or never starts cancels its later dates (backend.core.hooks).
        from backend.calendar.hooks import CLOSED_DAY_ADDED
        from backend.engagements.hooks import ENGAGEMENT_ENDED
        from backend.visits.services import visits_cancel_after_end, visits_replan_for_closed_day

        ENGAGEMENT_ENDED.register(visits_cancel_after_end)
        # A day closed where visits were planned moves them (振替), as a re-plan would.
        CLOSED_DAY_ADDED.register(visits_replan_for_closed_day)
