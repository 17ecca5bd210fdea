"""The public yearly page's content and its publishing (issue 24, item 7): counts per municipality under 5 are
withheld, exceptions and restrictions are listed in full, names only when the year publishes them, and only the
prefecture's coordinator publishes or takes a year down, each with its audit row."""

import csv
import io

import pytest

from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.public import services
from backend.public.exports import WITHHELD, year_csv
from backend.public.models import PublishedYear
from backend.public.selectors import published_year, year_report
from backend.public.services import year_publish, year_unpublish
from tests.backend.factories import UserFactory
from tests.backend.permissions import services_taking_an_actor
from tests.backend.public.builders import FY, REASON, public_world


def _csv_rows(report) -> list[list[str]]:
    return list(csv.reader(io.StringIO(year_csv(report).decode("utf-8-sig"))))


def test_the_report_counts_confirmed_counted_days_per_municipality_and_the_years_totals(db):
    report = year_report(public_world().year)
    by_code = {m.code: m for m in report.municipalities}
    assert (by_code["202011"].days, by_code["202029"].days) == (6, 2)  # not the submitted month, not the uncounted
    assert (by_code["202011"].needs_posted, by_code["202011"].needs_filled) == (5, 1)
    assert (report.needs_posted, report.needs_filled, report.municipalities_served, report.experts_engaged,
            report.days_confirmed) == (6, 2, 2, 2, 8)


def test_the_csv_withholds_counts_under_five_and_lists_the_exception_and_the_restriction_in_full(db):
    rows = _csv_rows(year_report(public_world().year))
    days = {row[1]: row[4] for row in rows if row[0] == "市区町村別" and row[3] == "確認済みの活動日数"}
    assert days == {"長野市": "6", "松本市": WITHHELD}
    totals = {row[3]: row[4] for row in rows if row[0] == "全体"}
    assert totals["確認済みの活動日数"] == "8" and totals["充足したニーズ"] == WITHHELD  # a small total gives nothing away
    restriction = next(row for row in rows if row[0] == "入札参加制限")
    assert restriction[1:3] == ["長野市", "202011"] and restriction[5] == "信州データ株式会社"
    exception = next(row for row in rows if row[0] == "利益相反の例外")
    assert exception[1] == "松本市" and exception[-1] == REASON and exception[6] == ""


def test_no_csv_cell_starts_a_formula(db):
    world = public_world()
    world.override.reason = "=HYPERLINK(\"http://evil.example\")"
    world.override.save(update_fields=["reason"])
    world.vendor.name = "+81 商会"
    world.vendor.save(update_fields=["name"])
    cells = [cell for row in _csv_rows(year_report(world.year)) for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\")" in cells and "'+81 商会" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


def test_expert_names_appear_only_in_the_lists_when_the_year_publishes_them(db):
    world = public_world(show_expert_names=False)
    hidden = year_csv(year_report(world.year)).decode("utf-8-sig")
    assert "松本 花子" not in hidden and "長野 一郎" not in hidden and "example.jp" not in hidden
    world.year.show_expert_names = True
    world.year.save(update_fields=["show_expert_names"])
    report = year_report(world.year)
    assert report.exceptions[0].expert == "松本 花子"
    assert {e.expert for e in report.engagements} == {"長野 一郎", "松本 花子"}
    shown = year_csv(report).decode("utf-8-sig")
    assert "松本 花子" in shown and "hanako@example.jp" not in shown and "090-" not in shown


def test_a_revoked_exception_is_not_listed(db):
    world = public_world()
    world.override.revoked_at = world.year.published_at
    world.override.save(update_fields=["revoked_at"])
    assert year_report(world.year).exceptions == []


def test_the_coordinator_publishes_a_year_and_takes_it_down_with_an_audit_row_each(coordinator):
    year = year_publish(actor=coordinator, prefecture="20", fiscal_year=FY, show_expert_names=True)
    assert published_year(code="20", fiscal_year=FY) == year and year.show_expert_names
    year_unpublish(actor=coordinator, prefecture="20", fiscal_year=FY)
    assert published_year(code="20", fiscal_year=FY) is None
    again = year_publish(actor=coordinator, prefecture="20", fiscal_year=FY)
    assert again.pk == year.pk and again.unpublished_at is None and not again.show_expert_names
    rows = list(AuditLog.objects.order_by("id").values_list("action", "prefecture_id", "actor_id"))
    assert rows == [("public_year.publish", "20", coordinator.pk), ("public_year.unpublish", "20", coordinator.pk),
                    ("public_year.publish", "20", coordinator.pk)]
    last = AuditLog.objects.order_by("id").last()
    assert last.before["unpublished_at"] is not None and last.after["unpublished_at"] is None


def test_taking_down_a_year_that_is_not_published_is_a_conflict(coordinator):
    with pytest.raises(ConflictError):
        year_unpublish(actor=coordinator, prefecture="20", fiscal_year=FY)


def test_a_year_too_far_ahead_cannot_be_published(coordinator):
    with pytest.raises(DomainError):
        year_publish(actor=coordinator, prefecture="20", fiscal_year=services.publishable_years()[-1] + 1)
    assert not PublishedYear.objects.exists()


@pytest.mark.parametrize("role", ["other_coordinator", "municipal", "expert_user"])
def test_only_the_prefectures_coordinator_publishes_its_years(request, role):
    with pytest.raises(ForbiddenError):
        year_publish(actor=request.getfixturevalue(role), prefecture="20", fiscal_year=FY)
    assert not PublishedYear.objects.exists() and not AuditLog.objects.exists()


@pytest.mark.parametrize("role", ["other_coordinator", "municipal", "expert_user"])
def test_only_the_prefectures_coordinator_takes_its_years_down(request, coordinator, role):
    year_publish(actor=coordinator, prefecture="20", fiscal_year=FY)
    with pytest.raises(ForbiddenError):
        year_unpublish(actor=request.getfixturevalue(role), prefecture="20", fiscal_year=FY)
    assert published_year(code="20", fiscal_year=FY) is not None and AuditLog.objects.count() == 1


def test_an_administrator_may_publish_any_prefectures_year(db):
    assert year_publish(actor=UserFactory(role="admin"), prefecture="19", fiscal_year=FY).prefecture_id == "19"


def test_every_write_of_the_public_page_is_in_the_table():
    assert services_taking_an_actor(services) == {"year_publish", "year_unpublish"}
