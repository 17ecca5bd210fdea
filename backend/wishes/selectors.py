"""Reads of wishes, vetoes and rounds (issue 25)."""

import datetime as dt

from backend.wishes.models import Round


def round_of_need(need_id: int) -> Round | None:
    """The open second round that published this need, if any."""
    return Round.objects.filter(needs=need_id, closed_at__isnull=True).order_by("-published_at").first()


def round_deadline_passed(need_id: int, *, today: dt.date) -> bool:
    """True when the need is published in an open second round whose deadline for interest has passed:
    experts' interest in it is then refused. A need in no open round takes interest until its run."""
    current = round_of_need(need_id)
    return current is not None and today > current.deadline
