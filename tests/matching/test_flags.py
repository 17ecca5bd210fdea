"""Every flag kind: emitted when the spec says, once per key, never invented."""

from .conftest import expert, instance, need, solved

PROCS = [{"id": "P2", "municipality": "202011", "category": "audit", "status": "planned", "incumbent_vendor": None},
         {"id": "P1", "municipality": "202011", "category": "operations", "status": "planned", "incumbent_vendor": None},
         {"id": "P3", "municipality": "202011", "category": "operations", "status": "ongoing", "incumbent_vendor": "V03"},
         {"id": "P9", "municipality": "202029", "category": "operations", "status": "planned", "incumbent_vendor": None}]


def _kinds(result):
    return [(f["kind"], f["expert"], f["vendor"], f["municipality"]) for f in result["flags"]]


def test_bid_restriction_per_active_vendor_lists_all_categories_and_planned_procurements_once():
    e = expert("E1", affiliations=[{"vendor": "V01", "relation": "employee"},
                                   {"vendor": "V02", "relation": "side_job"}])
    result = solved(instance([e], [need("N1"), need("N2")], procurements=PROCS))
    assert len(result["assignments"]) == 2
    bids = [f for f in result["flags"] if f["kind"] == "bid_restriction"]
    assert [(f["vendor"], f["municipality"]) for f in bids] == [("V01", "202011"), ("V02", "202011")]
    assert bids[0]["categories"] == ["planning_support", "design_development", "operations", "audit"]
    assert bids[0]["procurements"] == ["P1", "P2"]


def test_no_flags_without_affiliations():
    assert solved(instance([expert("E1")], [need("N1")], procurements=PROCS))["flags"] == []


def test_bid_restriction_with_no_planned_procurement_lists_none():
    e = expert("E1", affiliations=[{"vendor": "V01", "relation": "employee"}])
    result = solved(instance([e], [need("N1", municipality="202037")], procurements=PROCS))
    assert result["flags"][0]["procurements"] == []


def test_incumbent_conflict_overridden_flag():
    e = expert("E1", affiliations=[{"vendor": "V03", "relation": "employee"}])
    doc = instance([e], [need("N1")], procurements=PROCS,
                   coi_overrides=[{"expert": "E1", "municipality": "202011", "reason": "ok"}])
    assert ("incumbent_conflict_overridden", "E1", "V03", "202011") in _kinds(solved(doc))


def test_override_without_conflict_gives_no_overridden_flag():
    e = expert("E1", affiliations=[{"vendor": "V01", "relation": "employee"}])
    doc = instance([e], [need("N1")], procurements=PROCS,
                   coi_overrides=[{"expert": "E1", "municipality": "202011", "reason": "ok"}])
    assert all(k[0] != "incumbent_conflict_overridden" for k in _kinds(solved(doc)))


def test_former_vendor_notice_inside_cooling_off_only():
    def flags_for(ended_on):
        e = expert("E1", affiliations=[{"vendor": "V04", "relation": "former_employee", "ended_on": ended_on}])
        return _kinds(solved(instance([e], [need("N1")])))
    # April 1 2027 minus 730 days is 2025-04-01: exactly 730 days before is not "fewer than".
    assert flags_for("2025-04-01") == []
    assert flags_for("2025-04-02") == [("former_vendor_notice", "E1", "V04", "202011")]
    assert flags_for("2027-06-30") == [("former_vendor_notice", "E1", "V04", "202011")]


def test_pledge_required_when_active_affiliation_and_no_pledge():
    e = expert("E1", confidentiality_pledge=False, affiliations=[{"vendor": "V01", "relation": "employee"}])
    result = solved(instance([e], [need("N1"), need("N2", municipality="202029")]))
    pledges = [f for f in result["flags"] if f["kind"] == "pledge_required"]
    assert [(f["municipality"], f["vendor"]) for f in pledges] == [("202011", None), ("202029", None)]
    signed = expert("E1", confidentiality_pledge=True, affiliations=[{"vendor": "V01", "relation": "employee"}])
    assert all(f["kind"] != "pledge_required" for f in solved(instance([signed], [need("N1")]))["flags"])
    former_only = expert("E1", confidentiality_pledge=False,
                         affiliations=[{"vendor": "V01", "relation": "former_employee", "ended_on": "2010-01-01"}])
    assert solved(instance([former_only], [need("N1")]))["flags"] == []
