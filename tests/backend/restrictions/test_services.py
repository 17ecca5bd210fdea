"""The register's services, called directly: rows are written when an engagement becomes active, follow an
early end, and are never derived on read nor lost when an affiliation changes."""

import datetime as dt
import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from backend.engagements.models import Engagement
from backend.restrictions.models import BidRestriction
from backend.restrictions.services import (
    restrictions_after_affiliation_change,
    restrictions_record_for_engagement,
)
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    NeedFactory,
    VendorFactory,
)
from tests.backend.restrictions.conftest import FY_END, FY_START, expert_user, serve, today


def test_an_active_engagement_records_one_row_per_restricted_vendor_once():
    expert = ExpertFactory()
    employed = AffiliationFactory(expert=expert, relation="employee")
    side = AffiliationFactory(expert=expert, relation="side_job")
    AffiliationFactory(expert=expert, vendor=employed.vendor, relation="side_job")  # the same vendor twice
    AffiliationFactory(expert=expert, relation="former_employee", ended_on="2020-03-31")
    engagement = serve(expert)
    assert restrictions_record_for_engagement(actor=expert_user(expert), engagement=engagement) == []  # again: nothing new
    rows = BidRestriction.objects.filter(engagement=engagement)
    assert sorted((r.vendor_id, r.relation) for r in rows) == sorted(
        [(employed.vendor_id, "employee"), (side.vendor_id, "side_job")])
    assert {(r.starts_on, r.ends_on, r.municipality_id, r.expert_id) for r in rows} == {
        (FY_START, FY_END, "202011", expert.pk)}


def test_an_early_end_shortens_every_row_and_a_row_added_after_the_new_end_never_comes_into_force():
    coordinator = CoordinatorFactory(prefecture_id="20")
    employed = AffiliationFactory(relation="employee")
    old = serve(employed.expert, starts_on=today() - dt.timedelta(days=60), ends_on=today() + dt.timedelta(days=100))
    added = VendorFactory()
    restrictions_after_affiliation_change(
        expert=employed.expert, actor=coordinator, before={(employed.vendor_id, "employee")},
        after={(employed.vendor_id, "employee"), (added.pk, "side_job")})
    # The successor was approved to start five days ago; it becomes active today.
    serve(ExpertFactory(), replaces=old, starts_on=today() - dt.timedelta(days=5))
    rows = {r.vendor_id: r for r in BidRestriction.objects.filter(engagement=old)}
    assert (rows[employed.vendor_id].starts_on, rows[employed.vendor_id].ends_on) == (
        old.starts_on, today() - dt.timedelta(days=6))
    assert (rows[added.pk].starts_on, rows[added.pk].ends_on) == (today(), today() - dt.timedelta(days=1))


def test_an_affiliation_added_outside_any_engagement_records_nothing_but_is_audited():
    from backend.core.models import AuditLog

    expert = ExpertFactory()
    serve(expert, starts_on=today() - dt.timedelta(days=100), ends_on=today() - dt.timedelta(days=1))
    vendor = VendorFactory()
    added = restrictions_after_affiliation_change(expert=expert, actor=None, before=set(),
                                                  after={(vendor.pk, "employee")})
    assert added == [] and not BidRestriction.objects.filter(vendor=vendor).exists()
    assert AuditLog.objects.filter(action="affiliation.change", object_id=str(expert.pk)).count() == 1


def test_the_database_refuses_a_period_ending_before_the_day_before_it_starts_and_a_second_row_per_vendor():
    employed = AffiliationFactory(relation="employee")
    engagement = serve(employed.expert)
    row = BidRestriction.objects.get(engagement=engagement)
    with pytest.raises(IntegrityError), transaction.atomic():
        BidRestriction.objects.filter(pk=row.pk).update(ends_on=row.starts_on - dt.timedelta(days=2))
    with pytest.raises(IntegrityError), transaction.atomic():
        BidRestriction.objects.create(vendor=row.vendor, expert=row.expert, municipality=row.municipality,
                                      engagement=engagement, relation="side_job", starts_on=row.starts_on,
                                      ends_on=row.ends_on)


def _engagement(expert, status: str) -> Engagement:
    need = NeedFactory(municipality_id="202011")
    return Engagement.objects.create(
        expert=expert, municipality_id="202011", need=need, fiscal_year=2027, starts_on=FY_START, ends_on=FY_END,
        weekdays=["mon"], days_per_year=48, fee=2_400_000, employment_form="special_part_time", status=status,
        pledge_signed_at=timezone.now(), pledge_version="legacy")


def test_the_data_migration_records_engagements_already_active_or_ended_once():
    migration = importlib.import_module("backend.restrictions.migrations.0002_record_existing_engagements")
    # The models as the migration sees them (Engagement was still the runs app's then), on the same tables.
    apps = MigrationLoader(connection).project_state(("restrictions", "0002_record_existing_engagements")).apps
    engagements = {}
    for status in ("active", "ended", "offered", "declined"):
        affiliation = AffiliationFactory(relation="employee")
        AffiliationFactory(expert=affiliation.expert, relation="former_employee", ended_on="2020-03-31")
        engagements[status] = (_engagement(affiliation.expert, status), affiliation.vendor_id)
    for _ in range(2):
        migration.record_existing_engagements(apps, None)
    rows = BidRestriction.objects.order_by("engagement_id")
    assert [(r.engagement_id, r.vendor_id, r.relation, r.starts_on, r.ends_on) for r in rows] == [
        (engagement.pk, vendor, "employee", FY_START, FY_END)
        for engagement, vendor in (engagements["active"], engagements["ended"])]
