"""Form handling for the pages: the backend's input serializers are the only validation rules.

A page form is parsed from POST data into the plain structure the API takes, validated by the same
DRF serializer (through `backend.core.api.validate_input`), and its errors are mapped to field names
so that each message is shown next to its field in the active language. Domain errors raised by the
services are mapped the same way. This module never writes; the views call the services.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from backend.core.api import BilingualValidationError, validate_input
from backend.core.choices import Skill
from backend.core.errors import DomainError, in_both
from backend.geo.selectors import municipality_code_from_text


def _lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


@dataclass
class FormErrors:
    """Messages by field path ("weekdays", "required_skills.security", "affiliations[0].vendor")."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, field_path: str | None, message: str) -> None:
        self.by_field.setdefault(field_path or "non_field_errors", []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def get(self, name: str) -> list[str]:
        """Messages for a field and for anything nested under it (a dict key, a list item)."""
        return [m for key, msgs in self.by_field.items()
                if key == name or key.startswith(f"{name}.") or key.startswith(f"{name}[") for m in msgs]

    def exact(self, name: str) -> list[str]:
        return self.by_field.get(name, [])

    def items(self):
        return self.by_field.items()


# What each form field is called on the page, for messages that name it.
FIELD_LABELS = {
    "municipality": gettext_lazy("市区町村"), "fiscal_year": gettext_lazy("年度"), "role": gettext_lazy("役割"), "title": gettext_lazy("件名"),
    "description": gettext_lazy("業務内容"), "pattern": gettext_lazy("勤務形態"), "pattern_days": gettext_lazy("日数"), "weekdays": gettext_lazy("曜日"),
    "budget": gettext_lazy("予算"), "required_skills": gettext_lazy("必須スキル"), "desired_skills": gettext_lazy("歓迎スキル"),
    "employment_forms": gettext_lazy("任用形態"), "priority": gettext_lazy("優先度"), "name": gettext_lazy("氏名"), "name_kana": gettext_lazy("ふりがな"),
    "email": gettext_lazy("メールアドレス"), "phone": gettext_lazy("電話番号"), "registering_prefecture": gettext_lazy("登録都道府県"),
    "home_municipality": gettext_lazy("自宅・拠点の市区町村"), "serves_prefectures": gettext_lazy("担当できる都道府県"),
    "onsite_prefectures": gettext_lazy("現地勤務できる都道府県"), "capacity_days": gettext_lazy("年間稼働日数"),
    "max_engagements": gettext_lazy("最大兼務数"), "daily_rate": gettext_lazy("日額報酬"), "pool_pledge_signed_on": gettext_lazy("誓約書の署名日"),
    "affiliations": gettext_lazy("所属"), "vendor": gettext_lazy("事業者"), "relation": gettext_lazy("関係"), "ended_on": gettext_lazy("退職日"),
    "reason": gettext_lazy("理由"), "category": gettext_lazy("調達区分"), "status": gettext_lazy("状況"), "incumbent_vendor": gettext_lazy("受託事業者"),
    "corporate_number": gettext_lazy("法人番号"), "note": gettext_lazy("備考"),
    "travel_yen_per_km": gettext_lazy("費用弁償の単価"),
    "offered_fee": gettext_lazy("提示報酬"), "fee_amount": gettext_lazy("提示報酬の金額"),
    "fee_hours_per_day": gettext_lazy("1日の時間数"), "onsite_days": gettext_lazy("現地勤務の日数"),
    "matching_season": gettext_lazy("マッチングの対象年度"),
    "confirmation_working_day": gettext_lazy("月次確認の期限"),
    "offer_answer_days": gettext_lazy("打診への回答期限（日数）"),
    "answer_by": gettext_lazy("回答期限"),
    "decline_code": gettext_lazy("辞退の理由"),
    "funding_scheme": gettext_lazy("予定の財源"),
}
# Fields the forms take in 万円 (the budget): a limit is said in the unit the clerk types.
MAN_YEN_FIELDS = {"budget"}
# DRF's message codes, said as a clerk would (ja): the field's name, then what to do.
NATURAL = {
    "required": gettext_lazy("%(label)sを入力してください。"), "null": gettext_lazy("%(label)sを入力してください。"),
    "blank": gettext_lazy("%(label)sを入力してください。"), "invalid_choice": gettext_lazy("%(label)sは一覧から選んでください。"),
    "empty": gettext_lazy("%(label)sを1つ以上選んでください。"), "not_a_list": gettext_lazy("%(label)sを1つ以上選んでください。"),
    "min_length": gettext_lazy("%(label)sを1つ以上選んでください。"),
    "does_not_exist": gettext_lazy("%(label)sが見つかりません。一覧から選び直してください。"),
    "incorrect_type": gettext_lazy("%(label)sが見つかりません。一覧から選び直してください。"),
    "invalid_type": gettext_lazy("%(label)sは半角の数字で入力してください。"),
    "max_value": gettext_lazy("%(label)sは%(limit)s以下で入力してください。"),
    "min_value": gettext_lazy("%(label)sは%(limit)s以上で入力してください。"),
}


# A vendor form's "name" is the vendor's 名称, not a person's 氏名 (issue 21).
VENDOR_LABELS = {"name": gettext_lazy("事業者の名称"), "survivor": gettext_lazy("統合先の事業者"),
                 "absorbed": gettext_lazy("統合する事業者")}


def _label(path: str, labels: dict | None = None) -> str:
    """"affiliations[0].vendor" -> 事業者; "required_skills.security" -> 必須スキル. `labels` names a form's own fields."""
    known = {**FIELD_LABELS, **(labels or {})}
    parts = [p.split("[")[0] for p in path.split(".")]
    for part in reversed(parts):
        if part in known:
            return str(known[part])
    return ""


def natural(error: dict, labels: dict | None = None) -> str:
    """The page's message for one API error: DRF's generic wording ("この値は5以下にしてください。",
    "主キー "99" は不正です") replaced by one that names the field; the services' own messages stay."""
    message = error.get(_lang()) or error.get("ja") or ""
    label, code = _label(error.get("field") or "", labels), error.get("code", "")
    if not label or code not in NATURAL or label in (error.get("ja") or ""):
        return message  # a message that already names the field says more than the generic one would
    numbers = re.findall(r"\d[\d,]*", error.get("en") or "")
    limit = numbers[-1] if numbers else ""
    if limit and _leaf(error.get("field") or "") in MAN_YEN_FIELDS:  # the form takes it in 万円, not yen (issue 21)
        limit = _("%(amount)s万円") % {"amount": f"{int(limit.replace(',', '')) / 10_000:,g}"}
    return str(NATURAL[code]) % {"label": label, "limit": limit}


def _leaf(path: str) -> str:
    return path.split(".")[-1].split("[")[0]


def errors_from_list(errors: list[dict], labels: dict | None = None) -> FormErrors:
    """The bilingual error list the API renders ({field, code, ja, en}) as per-field messages."""
    result = FormErrors()
    for error in errors:
        result.add(error.get("field"), natural(error, labels))
    return result


def errors_from_domain(exc: DomainError, labels: dict | None = None) -> FormErrors:
    return errors_from_list([{"field": p.field, **in_both(p.message)} for p in exc.problems], labels)


def flash_problems(request, exc: DomainError) -> None:
    """A service's refusal as messages on the next page (for actions that redirect)."""
    for _field, msgs in errors_from_domain(exc).items():
        for message in msgs:
            messages.error(request, message)


def validate(serializer_class, data: dict, *, instance=None, partial: bool = False, labels: dict | None = None):
    """(validated data, no errors) or (None, errors), with the serializer's rules and messages."""
    try:
        return validate_input(serializer_class, data=data, instance=instance, partial=partial), FormErrors()
    except BilingualValidationError as exc:
        return None, errors_from_list(exc.errors, labels)


def submit(serializer_class, data: dict, action, *, instance=None, partial: bool = False, labels: dict | None = None):
    """Validate `data` with the serializer, then call action(validated data): (its result, None) when
    both pass, (None, errors) when the serializer or the service (a DomainError) refuses."""
    validated, errors = validate(serializer_class, data, instance=instance, partial=partial, labels=labels)
    if validated is None:
        return None, errors
    try:
        return action(validated), None
    except DomainError as exc:
        return None, errors_from_domain(exc, labels)


# -- parsing POST data into the API's input shape ---------------------------------------------------

def text(post, name: str) -> str:
    return (post.get(name) or "").strip()


def whole(value: str) -> bool:
    """ASCII digits only: 「²」 and other Unicode digits pass str.isdigit() but int() refuses them (a 500)."""
    return value.isascii() and value.isdigit()


def row_id(post, name: str) -> int:
    """The id a form names (a select's value), or 0, which names nothing (a 404), for anything else."""
    value = text(post, name)
    return int(value) if whole(value) else 0


def number_or_text(post, name: str):
    """An integer when the field holds one; otherwise the raw text, for the serializer to reject."""
    value = text(post, name).replace(",", "")
    return int(value) if whole(value.removeprefix("-")) else value


# 万円 as a clerk types it: "240", "240.5", "1,200" (commas between thousands), to the yen (four decimals at most).
MAN_YEN = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,4})?")
MAN_YEN_INVALID = gettext_lazy("%(label)sは万円単位の数で入力してください（例：240、240.5、1,200）。"
                               "小数は1円単位（小数点以下4桁）までです。")


def _man_yen_typed(post, name: str) -> str:
    """The 万円 field as typed, with full-width digits and punctuation read as ASCII (「１２００」 is 1200)."""
    return unicodedata.normalize("NFKC", text(post, name))


def municipality(post, name: str) -> str | None:
    """A municipality typed by name ('長野市', '長野県長野市') or 団体コード, as its code; unknown text goes through
    for the serializer to refuse naming the field; blank is None."""
    return municipality_code_from_text(text(post, name)) or None


def man_yen(post, name: str):
    """An amount typed in 万円 as yen ("1,200" -> 12,000,000, "240.5" -> 2,405,000); anything else is given back
    as typed for the serializer to reject, and `man_yen_refused` then says the unit (inf and 1e308 were a 500)."""
    value = _man_yen_typed(post, name)
    if not MAN_YEN.fullmatch(value):
        return value
    return int(Decimal(value.replace(",", "")) * 10_000)


def man_yen_read(post, name: str) -> bool:
    """The 万円 field was typed as something else than plain digits and read: the saved message says how."""
    value = text(post, name)
    return bool(value) and not (value.isascii() and value.isdigit()) and MAN_YEN.fullmatch(_man_yen_typed(post, name))


def man_yen_refused(errors: FormErrors, post, fields: dict[str, str], labels: dict | None = None) -> None:
    """A 万円 field ({API field: form field}) that held no amount of 万円 is refused saying the unit, not with
    the API's words for an integer of yen; `labels` names fields FIELD_LABELS does not."""
    for field_name, name in fields.items():
        if text(post, name) and not MAN_YEN.fullmatch(_man_yen_typed(post, name)) and errors.exact(field_name):
            label = (labels or {}).get(field_name) or _label(field_name)
            errors.by_field[field_name] = [str(MAN_YEN_INVALID % {"label": label})]


def yen_as_man(yen) -> str:
    """Yen as the 万円 a form field shows ("240", "240.5"); the reverse of man_yen."""
    if not isinstance(yen, int):
        return str(yen or "")
    man = yen / 10_000
    return f"{man:.0f}" if man == int(man) else f"{man:g}"


def skill_levels(post, prefix: str) -> dict[str, int]:
    """Levels chosen in one select per skill, named f"{prefix}{skill}"; blank means not needed."""
    levels = {}
    for skill in Skill.values:
        value = text(post, f"{prefix}{skill}")
        if value:
            levels[skill] = int(value) if whole(value) else value
    return levels


def checkbox(post, name: str) -> bool:
    return post.get(name) in ("on", "true", "1")
