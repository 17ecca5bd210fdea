"""Concurrent edits are serialised or refused with a clear 409, never stored inconsistent (real PostgreSQL)."""


import pytest

from backend.experts.models import ExpertSkill
from backend.needs.models import Need
from tests.backend.concurrency import race
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory, ExpertUserFactory, MunicipalStaffFactory, NeedFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls) -> list:
    return race(calls)


def test_racing_need_edits_never_leave_a_weekly_need_with_too_few_weekdays(committed_db):
    """Each edit is valid against the need it read; together they would store 3 days on one weekday."""
    staff = MunicipalStaffFactory(municipality_id="202011")
    needs = [NeedFactory(municipality_id="202011", pattern_days=1, weekly_days=1, days_per_year=48,
                         weekdays=["mon", "tue", "wed"]) for _ in range(15)]
    for need in needs:
        outcomes = _race([
            lambda n=need: client_for(staff).patch(f"/api/v1/needs/{n.pk}/", {"pattern_days": 3}, format="json"),
            lambda n=need: client_for(staff).patch(f"/api/v1/needs/{n.pk}/", {"weekdays": ["mon"]}, format="json"),
        ])
        statuses = sorted(o.status_code for o in outcomes)
        assert statuses in ([200, 200], [200, 400], [200, 409]), [o.content for o in outcomes]
    for need in Need.objects.filter(pk__in=[n.pk for n in needs]):
        assert need.weekly_days <= len(need.weekdays), (need.pk, need.weekly_days, need.weekdays)


def test_racing_skill_edits_both_succeed_one_after_the_other(committed_db):
    expert = ExpertFactory(registering_prefecture_id="20")
    user = ExpertUserFactory(expert=expert)
    outcomes = _race([
        lambda skills=skills: client_for(user).patch(f"/api/v1/experts/{expert.pk}/", {"skills": skills},
                                                     format="json")
        for skills in ({"security": 3}, {"network": 2, "data": 1}, {"planning": 1}, {"security": 1, "bpr": 2})
    ])
    assert [o.status_code for o in outcomes] == [200, 200, 200, 200], [o.content for o in outcomes]
    stored = dict(ExpertSkill.objects.filter(expert=expert).values_list("skill", "level"))
    assert stored in ({"security": 3}, {"network": 2, "data": 1}, {"planning": 1}, {"security": 1, "bpr": 2})


def test_racing_need_skill_edits_both_succeed_one_after_the_other(committed_db):
    staff = MunicipalStaffFactory(municipality_id="202011")
    need = NeedFactory(municipality_id="202011")
    outcomes = _race([
        lambda skills=skills: client_for(staff).patch(f"/api/v1/needs/{need.pk}/", skills, format="json")
        for skills in ({"required_skills": {"security": 3}}, {"desired_skills": {"network": 2}},
                       {"required_skills": {"planning": 1}, "desired_skills": {"data": 2}},
                       {"required_skills": {"security": 1}})
    ])
    assert [o.status_code for o in outcomes] == [200, 200, 200, 200], [o.content for o in outcomes]
