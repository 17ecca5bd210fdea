"""The validator is the executable specification: it must catch every kind of broken result."""

import copy

import pytest

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


# Each mutation and the defect the validator must name for it: reporting *some* problem is not enough, a
# validator that blamed the wrong thing would send the reader looking in the wrong place.
MUTATIONS = {
    "a weekday outside e ∩ r": (lambda r: r["assignments"][0].update(weekdays=["wed"]),
                                "weekdays ['wed'] not all in e.weekdays ∩ r.weekdays"),
    "one weekday twice": (lambda r: r["assignments"][1].update(weekdays=r["assignments"][0]["weekdays"]),
                          "is named twice on"),
    "fee + 1": (lambda r: r["assignments"][0].update(fee=r["assignments"][0]["fee"] + 1), "fee 2400001 != 2400000"),
    "travel + 1": (lambda r: r["assignments"][0].update(travel_cost=r["assignments"][0]["travel_cost"] + 1),
                   "travel_cost 1 != 0"),
    "another form": (lambda r: r["assignments"][0].update(employment_form="commission"),
                     "employment_form 'commission' != 'special_part_time'"),
    "a swapped reason": (lambda r: r["unmatched"][0].update(reason="capacity"),
                         "reason 'capacity', expected 'out_of_scope'"),
    "an unmatched need dropped": (lambda r: r["unmatched"].clear(), "need N3 is listed 0 times"),
    "a flag dropped": (lambda r: r["flags"].pop(), "flag missing: ('bid_restriction'"),
    "a flag twice": (lambda r: r["flags"].append(copy.deepcopy(r["flags"][0])), "appears 2 times"),
    "a need assigned twice": (lambda r: r["assignments"].append(copy.deepcopy(r["assignments"][0])),
                              "need N1 has 2 experts"),
    "a wrong primary": (lambda r: r["objective"].update(primary=99), "objective.primary 99 != sum of priorities 6"),
    "a bound above an optimal value": (lambda r: r["objective"].update(primary_bound=r["objective"]["primary"] + 1),
                                       "status optimal but primary_bound 7 != primary 6"),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_each_mutation_is_reported_as_its_own_defect(name):
    mutate, defect = MUTATIONS[name]
    problems = _broken(mutate)
    assert any(defect in p for p in problems), problems
