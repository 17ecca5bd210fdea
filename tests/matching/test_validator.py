"""The validator is the executable specification: it must catch every kind of broken result."""

import copy

from matching import solve, validate_result

from .conftest import expert, instance, need

PROCS = [{"id": "P1", "municipality": "202011", "category": "audit", "status": "planned", "incumbent_vendor": None}]


def _base():
    e1 = expert("E1", weekdays=["mon", "tue"], max_engagements=2, affiliations=[{"vendor": "V01", "relation": "employee"}])
    doc = instance([e1], [need("N1"), need("N2"), need("N3", prefecture="19")], procurements=PROCS)
    return doc, solve(doc)


def _broken(mutate):
    doc, result = _base()
    bad = copy.deepcopy(result)
    mutate(bad)
    return validate_result(doc, bad)


def test_validator_accepts_the_solver_result():
    doc, result = _base()
    assert validate_result(doc, result) == []


def test_validator_catches_wrong_weekdays_and_fees():
    assert _broken(lambda r: r["assignments"][0].update(weekdays=["wed"]))
    assert _broken(lambda r: r["assignments"][1].update(weekdays=r["assignments"][0]["weekdays"]))
    assert _broken(lambda r: r["assignments"][0].update(fee=1))


def test_validator_catches_wrong_or_missing_unmatched_reasons():
    assert _broken(lambda r: r["unmatched"][0].update(reason="capacity"))
    assert _broken(lambda r: r["unmatched"].clear())


def test_validator_catches_missing_and_invented_flags():
    assert _broken(lambda r: r["flags"].pop())
    assert _broken(lambda r: r["flags"].append({"kind": "pledge_required", "expert": "E1", "vendor": None,
                                                "municipality": "202011"}))
    assert _broken(lambda r: r["flags"].append(copy.deepcopy(r["flags"][0])))


def test_validator_catches_broken_rules_and_objective():
    assert _broken(lambda r: r["assignments"].append({"need": "N3", "expert": "E1", "weekdays": [],
                                                      "days_per_year": 48, "fee": 2_400_000}))
    assert _broken(lambda r: r["objective"].update(primary=99))
    assert _broken(lambda r: r["objective"].update(primary_bound=r["objective"]["primary"] + 1))


def test_validator_reports_malformed_results_instead_of_crashing():
    assert _broken(lambda r: r.update(assignments=[1]))
    assert _broken(lambda r: r.update(objective=[]))
    assert _broken(lambda r: r["stats"].pop("wall_time_s"))
    assert _broken(lambda r: r["assignments"][0].update(fee=float(r["assignments"][0]["fee"])))
    assert _broken(lambda r: r["assignments"][0].update(days_per_year=48.0))
