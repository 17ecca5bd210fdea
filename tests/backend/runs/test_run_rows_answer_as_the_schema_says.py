"""The API answers what its schema says: a run's proposals and unmatched needs come in pages, as the schema says
and as every other list does
(issue 21: both answered a bare array where the schema promised `{count, next, previous, results}`)."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.backend.conftest import client_for
from tests.backend.factories import MatchRunFactory, NeedFactory, ProposalFactory, UserFactory

UNMATCHED = [{"need": f"N{i}", "reason": "no_candidate", "detail": "no expert has the skills",
              "detail_ja": "必要なスキルを持つ専門人材がいません"} for i in range(25)]


def _schema_of(path: str) -> tuple[dict, dict]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    page = components[schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                      ["$ref"].rsplit("/", 1)[1]]
    return page, components[page["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]]


def _assert_fits(body: dict, page: dict, row: dict) -> None:
    assert set(body) == set(page["properties"]), body
    assert set(page.get("required", [])) <= set(body)
    for item in body["results"]:
        assert set(item) <= set(row["properties"]), item
        assert set(row.get("required", [])) <= set(item), item


@pytest.mark.parametrize("rows", ["proposals", "unmatched"])
def test_a_runs_rows_come_in_pages_of_the_shape_the_schema_gives(rows):
    run = MatchRunFactory(result={"status": "optimal", "assignments": [], "unmatched": UNMATCHED, "flags": []})
    for _ in range(22):
        ProposalFactory(run=run, need=NeedFactory(municipality_id="202011"))
    client = client_for(UserFactory(is_superuser=True))
    page, row = _schema_of(f"/api/v1/runs/{{id}}/{rows}/")

    first = client.get(f"/api/v1/runs/{run.pk}/{rows}/").json()
    _assert_fits(first, page, row)
    assert (len(first["results"]), first["count"]) == (20, 22 if rows == "proposals" else 25)
    second = client.get(first["next"]).json()
    _assert_fits(second, page, row)
    assert second["next"] is None and len(first["results"]) + len(second["results"]) == first["count"]



@pytest.mark.parametrize(("component", "field", "words"), [
    ("NeedInputRequest", "municipality", "check digit"),
    ("NeedInputRequest", "weekdays", "at least pattern_days"),
    ("NeedInputRequest", "desired_skills", "required_skills"),
    ("RunInputRequest", "scope", "consented"),
    ("AffiliationInputRequest", "ended_on", "former_employee"),
])
def test_rules_that_refuse_a_request_of_the_right_types_are_stated_in_the_schema(component, field, words):
    # issue 21: a request the schema allowed was refused by a rule the schema did not state.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert words in schema["components"]["schemas"][component]["properties"][field]["description"]
