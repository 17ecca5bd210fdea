"""Services every app shares."""

from django.db import models


def model_update(*, instance: models.Model, fields: tuple[str, ...] | list[str], data: dict) -> list[str]:
    """Set each of `fields` that `data` carries on `instance`, and return the names that changed.

    It does not save: the calling service checks the new state first and saves in its own transaction.
    """
    changed = []
    for field in fields:
        if field in data and getattr(instance, field) != data[field]:
            setattr(instance, field, data[field])
            changed.append(field)
    return changed
