"""Changing a prefecture's settings (the travel reimbursement per km, the matching season, the confirmation
deadline): the coordinator's write, here beside the costs they price, so that geo (the register) imports no app
above it. The grant rates are the funding schemes' (backend.funding), no longer a setting of the prefecture."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import DomainError, ForbiddenError
from backend.core.services import model_update
from backend.costs.errors import ErrorCode
from backend.geo.models import PrefectureSetting

SETTING_FIELDS = ("travel_yen_per_km", "matching_season", "confirmation_working_day", "offer_answer_days")


def prefecture_setting_snapshot(setting: PrefectureSetting) -> dict:
    return {"travel_yen_per_km": setting.travel_yen_per_km,
            "matching_season": setting.matching_season,
            "confirmation_working_day": setting.confirmation_working_day,
            "offer_answer_days": setting.offer_answer_days}


@transaction.atomic
def prefecture_setting_update(*, actor: User, prefecture_id: str, data: dict) -> PrefectureSetting:
    """Change a prefecture's settings (the travel reimbursement per km, whole yen; the matching season, a fiscal
    year or None for the default rule; the confirmation deadline; the days an offer waits for its answers, 1–90);
    the row is created on the first change."""
    if not coordinates(actor, prefecture_id):
        raise ForbiddenError.single("prefecture", ErrorCode.NOT_YOUR_PREFECTURE, _("担当都道府県の設定のみ変更できます。"))
    days = data.get("offer_answer_days")
    if days is not None and not (isinstance(days, int) and 1 <= days <= 90):
        raise DomainError.single("offer_answer_days", ErrorCode.OUT_OF_RANGE,
                                 _("打診への回答期限（日数）は1〜90の整数で入力してください。"))
    setting, _created = PrefectureSetting.objects.select_for_update().get_or_create(prefecture_id=prefecture_id)
    before = prefecture_setting_snapshot(setting)
    if model_update(instance=setting, fields=SETTING_FIELDS, data=data):
        setting.full_clean()
        setting.save()
        audit_record(actor=actor, action=AuditAction.PREFECTURE_SETTING_UPDATE, obj=setting,
                     prefecture=prefecture_id, before=before, after=prefecture_setting_snapshot(setting))
    return setting
