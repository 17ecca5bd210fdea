"""The one write of costs: a coordinator changes their prefecture's settings (grant rate, travel per km)."""

from decimal import Decimal

from django.db import transaction

from backend.accounts.models import UserRole
from backend.accounts.scoping import is_admin
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ForbiddenError
from backend.core.services import model_update
from backend.geo.models import PrefectureSetting

SETTING_FIELDS = ("special_grant_rate", "travel_yen_per_km")
RATE_STEP = Decimal("0.001")  # the column's three decimals


def prefecture_setting_snapshot(setting: PrefectureSetting) -> dict:
    rate = Decimal(setting.special_grant_rate).quantize(RATE_STEP)  # a new row holds the default as given, 0.5
    return {"special_grant_rate": str(rate), "travel_yen_per_km": setting.travel_yen_per_km}


@transaction.atomic
def prefecture_setting_update(*, user, prefecture_id: str, data: dict) -> PrefectureSetting:
    """`data` may carry special_grant_rate (a Decimal from 0 to 1) and travel_yen_per_km (whole yen)."""
    if not (is_admin(user) or (user.role == UserRole.COORDINATOR and user.prefecture_id == prefecture_id)):
        raise ForbiddenError.single("prefecture", "not_your_prefecture", "担当都道府県の設定のみ変更できます。",
                                    "A coordinator changes the settings of their own prefecture only.")
    setting, _created = PrefectureSetting.objects.select_for_update().get_or_create(prefecture_id=prefecture_id)
    before = prefecture_setting_snapshot(setting)
    if "special_grant_rate" in data:
        data = {**data, "special_grant_rate": Decimal(data["special_grant_rate"]).quantize(RATE_STEP)}
    if model_update(instance=setting, fields=SETTING_FIELDS, data=data):
        setting.full_clean()
        setting.save()
        audit_record(actor=user, action=AuditAction.PREFECTURE_SETTING_UPDATE, obj=setting,
                     prefecture=prefecture_id, before=before, after=prefecture_setting_snapshot(setting))
    return setting
