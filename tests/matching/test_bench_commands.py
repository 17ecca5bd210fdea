"""The engine's benchmark commands print a row per instance and plan, each result checked by the validator, and
write the same rows as JSON (what docs/benchmarks.md is made of): run here on the prefecture scale, lead only or
with few plans, so that a broken column or a failed check shows in the suite and not first on the benchmark page."""

import json

from matching.__main__ import main


def test_bench_versions_prints_and_writes_a_validated_row_per_plan(tmp_path, capsys):
    out = tmp_path / "rows.json"
    assert main(["bench-versions", "--scales", "prefecture", "--seeds", "1", "--plans", "v2,v3",
                 "--json", str(out)]) == 0
    printed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| prefecture s1 |")]
    rows = json.loads(out.read_text())
    assert [r["plan"] for r in rows] == ["v2", "v3"] and len(printed) == 2
    assert all(r["valid"] and r["status"] == "optimal" for r in rows)
    assert rows[0]["preference"] is None and rows[1]["preference"]["value"] <= rows[1]["preference"]["bound"]
    assert " v3 " in printed[1] and printed[1].rstrip().endswith("| yes |")


def test_bench_prints_the_solver_against_the_greedy_baseline(tmp_path, capsys):
    out = tmp_path / "rows.json"
    assert main(["bench", "--scales", "prefecture", "--seeds", "2", "--primary-only", "--json", str(out)]) == 0
    (row,) = json.loads(out.read_text())
    assert row["valid"] and row["primary"] >= row["greedy_primary"]
    assert f"| prefecture s2 | {row['needs']} |" in capsys.readouterr().out
