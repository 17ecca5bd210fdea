import json
import subprocess
import sys
from pathlib import Path

import pytest

from matching import InstanceError, load_instance
from matching.__main__ import main

from .conftest import expert, instance, need

ROOT = Path(__file__).resolve().parents[2]


def _error(doc) -> str:
    with pytest.raises(InstanceError) as info:
        load_instance(doc)
    return str(info.value)


def test_missing_field_names_field_and_id():
    e = expert("E7")
    del e["daily_rate"]
    message = _error(instance([e], [need()]))
    assert "daily_rate" in message and "E7" in message and "missing" in message


def test_wrong_type_names_field_and_id():
    message = _error(instance([expert()], [need("N9", budget="lots")]))
    assert "budget" in message and "N9" in message and "integer" in message


def test_boolean_is_not_an_integer():
    assert "priority" in _error(instance([expert()], [need("N1", priority=True)]))


def test_out_of_range_priority_and_skill_level_are_rejected():
    assert "priority" in _error(instance([expert()], [need("N3", priority=6)]))
    message = _error(instance([expert("E2", skills={"security": 4})], [need()]))
    assert "skills" in message and "E2" in message


def test_unknown_weekday_is_rejected():
    assert "weekdays" in _error(instance([expert("E1", weekdays=["monday"])], [need()]))


def test_dangling_ids_are_named():
    assert '"E404"' in _error(instance([expert()], [need()], pins=[{"expert": "E404", "need": "N1"}]))
    assert '"N404"' in _error(instance([expert()], [need()], forbids=[{"expert": "E1", "need": "N404"}]))
    message = _error(instance([expert(affiliations=[{"vendor": "V99", "relation": "employee"}])], [need()]))
    assert "V99" in message and "E1" in message
    assert "E5" in _error(instance([expert()], [need(current_expert="E5")]))
    proc = [{"id": "P1", "municipality": "202011", "category": "audit", "status": "ongoing", "incumbent_vendor": "VX"}]
    assert "VX" in _error(instance([expert()], [need()], procurements=proc))


def test_former_employee_needs_ended_on():
    e = expert("E3", affiliations=[{"vendor": "V01", "relation": "former_employee"}])
    message = _error(instance([e], [need()]))
    assert "ended_on" in message and "E3" in message


def test_duplicate_ids_and_wrong_format_are_rejected():
    assert "duplicate" in _error(instance([expert(), expert()], [need()]))
    assert "format" in _error(instance([expert()], [need()], format="kenmu.instance/4"))


def test_unknown_fields_are_ignored():
    doc = instance([expert(nickname="x")], [need(colour="red")], comment="ignored")
    assert load_instance(doc).needs[0].id == "N1"


def test_cli_bad_input_exits_2_with_message(tmp_path, capsys):
    bad = instance([expert()], [need("N5", days_per_year=-1)])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err
    assert "days_per_year" in err and "N5" in err and "Traceback" not in err


def test_cli_unparsable_json_exits_2(tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    assert main(["check", str(path), str(path)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_cli_solve_then_check_round_trip_in_a_subprocess(tmp_path):
    inst = tmp_path / "i.json"
    res = tmp_path / "r.json"
    inst.write_text(json.dumps(instance([expert()], [need(), need("N2", weekly_days=0, days_per_year=12)])))
    run = subprocess.run([sys.executable, "-m", "matching", "solve", str(inst), "-o", str(res)], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    check = subprocess.run([sys.executable, "-m", "matching", "check", str(inst), str(res)], cwd=ROOT,
                           capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.startswith("ok"), check.stdout
    bad = json.loads(res.read_text())
    bad["assignments"][0]["fee"] += 1
    res.write_text(json.dumps(bad))
    check = subprocess.run([sys.executable, "-m", "matching", "check", str(inst), str(res)], cwd=ROOT,
                           capture_output=True, text=True)
    assert check.returncode == 1 and "fee" in check.stdout


def test_amounts_too_large_for_exact_arithmetic_are_rejected_not_wrapped():
    message = _error(instance([expert("E4", daily_rate=10**17)], [need()]))
    assert "daily_rate" in message and "E4" in message and "at most" in message
    assert "budget" in _error(instance([expert()], [need("N4", budget=2**64)]))


def test_what_the_spec_allows_is_accepted():
    # An explicit skill level 0 means "lacks it"; a value listed twice counts once; a weekly need whose
    # weekdays are empty is valid input that no expert can serve (rule 5).
    doc = instance([expert("E1", skills={"security": 0}, weekdays=["mon", "mon", "tue"])],
                   [need("N1", required_skills={"security": 1}), need("N2", weekdays=[]),
                    need("N3", weekdays=["tue", "tue"])])
    from matching import solve, validate_result
    result = solve(doc, time_limit_s=10)
    assert validate_result(doc, result) == []
    reasons = {u["need"]: u["reason"] for u in result["unmatched"]}
    assert reasons == {"N1": "no_skill", "N2": "no_weekday"}
    assert [(a["need"], a["weekdays"]) for a in result["assignments"]] == [("N3", ["tue"])]
