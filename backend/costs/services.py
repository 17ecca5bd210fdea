"""Changing a prefecture's rates (the estimated 特別交付税 rate and the travel reimbursement per km): the
coordinator's write, here beside the costs they price, so that geo (the register) imports no app above it."""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ForbiddenError
from backend.core.services import model_update
from backend.costs.errors import ErrorCode
from backend.geo.models import PrefectureSetting

SETTING_FIELDS = ("special_grant_rate", "travel_yen_per_km", "matching_season", "confirmation_working_day")
RATE_STEP = Decimal("0.001")  # the column's three decimals


def prefecture_setting_snapshot(setting: PrefectureSetting) -> dict:
    rate = Decimal(setting.special_grant_rate).quantize(RATE_STEP)  # a new row holds the default as given, 0.5
    return {"special_grant_rate": str(rate), "travel_yen_per_km": setting.travel_yen_per_km,
            "matching_season": setting.matching_season,
            "confirmation_working_day": setting.confirmation_working_day}


@transaction.atomic
def prefecture_setting_update(*, actor: User, prefecture_id: str, data: dict) -> PrefectureSetting:
    """Change a prefecture's settings (the estimated 特別交付税 rate, a Decimal from 0 to 1; the travel
    reimbursement per km, whole yen; the matching season, a fiscal year or None for the default rule); the row
    is created on the first change."""
    if not coordinates(actor, prefecture_id):
        raise ForbiddenError.single("prefecture", ErrorCode.NOT_YOUR_PREFECTURE, _("担当都道府県の設定のみ変更できます。"))
    setting, _created = PrefectureSetting.objects.select_for_update().get_or_create(prefecture_id=prefecture_id)
    before = prefecture_setting_snapshot(setting)
    if "special_grant_rate" in data:
        data = {**data, "special_grant_rate": Decimal(data["special_grant_rate"]).quantize(RATE_STEP)}
    if model_update(instance=setting, fields=SETTING_FIELDS, data=data):
        setting.full_clean()
        setting.save()
        audit_record(actor=actor, action=AuditAction.PREFECTURE_SETTING_UPDATE, obj=setting,
                     prefecture=prefecture_id, before=before, after=prefecture_setting_snapshot(setting))
    return setting
