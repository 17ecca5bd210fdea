"""Form handling for the pages: the backend's input serializers are the only validation rules.

A page form is parsed from POST data into the plain structure the API takes, validated by the same
DRF serializer (through `backend.core.api.validate_input`), and its errors are mapped to field names
so that each message is shown next to its field in the active language. Domain errors raised by the
services are mapped the same way. This module never writes; the views call the services.
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language

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


def errors_from_list(errors: list[dict]) -> FormErrors:
    """The bilingual error list the API renders ({field, ja, en}) as per-field messages."""
    result, lang = FormErrors(), _lang()
    for error in errors:
        result.add(error.get("field"), error.get(lang) or error.get("ja") or "")
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
            levels[skill] = int(value) if value.isdigit() else value
    return levels


def checkbox(post, name: str) -> bool:
    return post.get(name) in ("on", "true", "1")
