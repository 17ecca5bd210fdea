"""Form handling for the pages: the backend's input serializers are the only validation rules.

A page form is parsed from POST data into the plain structure the API takes, validated by the same
DRF serializer (through `backend.core.api.validate_input`), and its errors are mapped to field names
so that each message is shown next to its field in the active language. Domain errors raised by the
services are mapped the same way. This module never writes; the views call the services.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _l

from backend.core.api import BilingualValidationError, validate_input
from backend.core.choices import Skill
from backend.core.errors import DomainError


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
    "municipality": _l("市区町村"), "fiscal_year": _l("年度"), "role": _l("役割"), "title": _l("件名"),
    "description": _l("業務内容"), "pattern": _l("勤務形態"), "pattern_days": _l("日数"), "weekdays": _l("曜日"),
    "budget": _l("予算"), "required_skills": _l("必須スキル"), "desired_skills": _l("歓迎スキル"),
    "employment_forms": _l("任用形態"), "priority": _l("優先度"), "name": _l("氏名"), "name_kana": _l("ふりがな"),
    "email": _l("メールアドレス"), "phone": _l("電話番号"), "home_prefecture": _l("登録都道府県"),
    "base_municipality": _l("拠点の市区町村"), "serves_prefectures": _l("担当できる都道府県"),
    "onsite_prefectures": _l("現地勤務できる都道府県"), "capacity_days": _l("年間稼働日数"),
    "max_engagements": _l("最大兼務数"), "daily_rate": _l("日額報酬"), "pledge_signed_on": _l("誓約書の署名日"),
    "affiliations": _l("所属"), "vendor": _l("事業者"), "relation": _l("関係"), "ended_on": _l("退職日"),
    "reason": _l("理由"), "category": _l("調達区分"), "status": _l("状況"), "incumbent_vendor": _l("受託事業者"),
    "corporate_number": _l("法人番号"), "note": _l("備考"),
    "special_grant_percent": _l("特別交付税の措置率"), "travel_yen_per_km": _l("費用弁償の単価"),
}
# DRF's message codes, said as a clerk would (ja): the field's name, then what to do.
NATURAL = {
    "required": _l("%(label)sを入力してください。"), "null": _l("%(label)sを入力してください。"),
    "blank": _l("%(label)sを入力してください。"), "invalid_choice": _l("%(label)sは一覧から選んでください。"),
    "empty": _l("%(label)sを1つ以上選んでください。"), "not_a_list": _l("%(label)sを1つ以上選んでください。"),
    "min_length": _l("%(label)sを1つ以上選んでください。"),
    "does_not_exist": _l("%(label)sが見つかりません。一覧から選び直してください。"),
    "incorrect_type": _l("%(label)sが見つかりません。一覧から選び直してください。"),
    "invalid_type": _l("%(label)sは半角の数字で入力してください。"),
    "max_value": _l("%(label)sは%(limit)s以下で入力してください。"),
    "min_value": _l("%(label)sは%(limit)s以上で入力してください。"),
}


def _label(path: str) -> str:
    """"affiliations[0].vendor" -> 事業者; "required_skills.security" -> 必須スキル."""
    parts = [p.split("[")[0] for p in path.split(".")]
    for part in reversed(parts):
        if part in FIELD_LABELS:
            return str(FIELD_LABELS[part])
    return ""


def natural(error: dict) -> str:
    """The page's message for one API error: DRF's generic wording ("この値は5以下にしてください。",
    "主キー "99" は不正です") replaced by one that names the field; the services' own messages stay."""
    message = error.get(_lang()) or error.get("ja") or ""
    label, code = _label(error.get("field") or ""), error.get("code", "")
    if not label or code not in NATURAL or label in (error.get("ja") or ""):
        return message  # a message that already names the field says more than the generic one would
    numbers = re.findall(r"\d[\d,]*", error.get("en") or "")
    return str(NATURAL[code]) % {"label": label, "limit": numbers[-1] if numbers else ""}


def errors_from_list(errors: list[dict]) -> FormErrors:
    """The bilingual error list the API renders ({field, code, ja, en}) as per-field messages."""
    result = FormErrors()
    for error in errors:
        result.add(error.get("field"), natural(error))
    return result


def errors_from_domain(exc: DomainError) -> FormErrors:
    return errors_from_list([{"field": p.field, "ja": p.ja, "en": p.en} for p in exc.problems])


def flash_problems(request, exc: DomainError) -> None:
    """A service's refusal as messages on the next page (for actions that redirect)."""
    from django.contrib import messages

    for _field, msgs in errors_from_domain(exc).items():
        for message in msgs:
            messages.error(request, message)


def validate(serializer_class, data: dict, *, instance=None, partial: bool = False):
    """(validated data, no errors) or (None, errors), with the serializer's rules and messages."""
    try:
        return validate_input(serializer_class, data=data, instance=instance, partial=partial), FormErrors()
    except BilingualValidationError as exc:
        return None, errors_from_list(exc.errors)


def submit(serializer_class, data: dict, action, *, instance=None, partial: bool = False):
    """Validate `data` with the serializer, then call action(validated data): (its result, None) when
    both pass, (None, errors) when the serializer or the service (a DomainError) refuses."""
    validated, errors = validate(serializer_class, data, instance=instance, partial=partial)
    if validated is None:
        return None, errors
    try:
        return action(validated), None
    except DomainError as exc:
        return None, errors_from_domain(exc)


# -- parsing POST data into the API's input shape ---------------------------------------------------

def text(post, name: str) -> str:
    return (post.get(name) or "").strip()


def number_or_text(post, name: str):
    """An integer when the field holds one; otherwise the raw text, for the serializer to reject."""
    value = text(post, name).replace(",", "")
    return int(value) if value.lstrip("-").isdigit() else value


def man_yen(post, name: str):
    """An amount typed in 万円 ("240" or "240.5") as yen; anything else goes through to be rejected."""
    value = text(post, name).replace(",", "")
    try:
        return round(float(value) * 10_000) if value else ""
    except ValueError:
        return value


def skill_levels(post, prefix: str) -> dict[str, int]:
    """Levels chosen in one select per skill, named f"{prefix}{skill}"; blank means not needed."""
    levels = {}
    for skill in Skill.values:
        value = text(post, f"{prefix}{skill}")
        if value:
            levels[skill] = int(value) if value.isdigit() else value
    return levels


def checkbox(post, name: str) -> bool:
    return post.get(name) in ("on", "true", "1")
