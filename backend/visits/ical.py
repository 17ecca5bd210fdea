"""The iCal feed (RFC 5545, through the `icalendar` library): one all-day VEVENT per planned visit."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event


def visits_ical(visits, *, name: str) -> bytes:
    """The calendar of `visits` (planned, with their engagement's municipality and expert): each an all-day event
    whose UID stays the same while the visit exists, moved or not; a cancelled visit is not passed in."""
    calendar = Calendar()
    calendar.add("prodid", "-//kenmu//visits//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = timezone.now()
    for visit in visits:
        event = Event()
        event.add("uid", f"visit-{visit.pk}@kenmu")
        event.add("dtstamp", stamp)
        event.add("dtstart", visit.date)
        event.add("dtend", visit.date + dt.timedelta(days=1))
        where = _("現地") if visit.onsite else _("リモート")
        event.add("summary", _("%(municipality)s：%(expert)sさん（%(where)s）") % {
            "municipality": visit.engagement.municipality.name, "expert": visit.expert.name, "where": where})
        if visit.moved_from:
            event.add("description", _("%(date)sから変更") % {"date": visit.moved_from.isoformat()})
        calendar.add_component(event)
    return calendar.to_ical()
