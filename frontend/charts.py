"""Geometry for the inline SVG charts, drawn on the server (no JavaScript chart library).

Each function returns plain numbers and labels; the templates under partials/chart_*.html draw them,
so every label goes through Django's autoescaping and translation.
"""

from dataclasses import dataclass

from backend.core.choices import WEEKDAY_ORDER

WEEK_CELL = 64


@dataclass(frozen=True)
class WeekCell:
    weekday: str
    x: int
    state: str  # "busy", "free", "off"
    label: str


def week_cells(*, available: list[str], engagements) -> list[WeekCell]:
    """One column per weekday: booked (with the municipality), available and free, or not available."""
    booked = {}
    for engagement in engagements:
        for day in engagement.weekdays:
            booked.setdefault(day, []).append(engagement.municipality.name)
    cells = []
    for index, day in enumerate(WEEKDAY_ORDER):
        if day in booked:
            state, label = "busy", "・".join(booked[day])
        else:
            state, label = ("free" if day in available else "off"), ""
        cells.append(WeekCell(day, index * WEEK_CELL, state, label))
    return cells


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    total: float
    y: int
    width: float
    link: str = ""
    state: str = ""


def load_bars(loads, *, width: int = 360, row: int = 22) -> list[Bar]:
    """Experts by load: used days against capacity, one row each."""
    bars = []
    for index, load in enumerate(loads):
        share = min(1.0, load.share)
        state = "full" if load.share >= 0.9 else "busy" if load.share >= 0.5 else "light"
        bars.append(Bar(load.expert.name, load.used_days, load.expert.capacity_days, index * row,
                        round(share * width, 1), link=str(load.expert.pk), state=state))
    return bars


@dataclass(frozen=True)
class MapPoint:
    code: str
    name: str
    x: float
    y: float
    r: float
    state: str
    needs: int
    filled: int


def coverage_map(coverage, *, width: int = 420, height: int = 480, margin: int = 20) -> list[MapPoint]:
    """Municipal offices plotted by longitude and latitude (equirectangular, scaled to fit the box)."""
    if not coverage:
        return []
    lats = [c.municipality.lat for c in coverage]
    lons = [c.municipality.lon for c in coverage]
    span = max(max(lats) - min(lats), max(lons) - min(lons), 0.01)
    scale = min(width, height) - 2 * margin
    points = []
    for c in coverage:
        x = margin + (c.municipality.lon - min(lons)) / span * scale
        y = margin + (max(lats) - c.municipality.lat) / span * scale
        points.append(MapPoint(c.municipality.code, c.municipality.name, round(x, 1), round(y, 1),
                               7 if c.needs else 3.5, c.state, c.needs, c.filled))
    return points
