"""No 5xx, ever (issue 21 item 7): every write of the API, found in our own OpenAPI schema, is sent generated
values as the role that may make it — huge, unicode and control-character strings, inf, nan, 1e308, negative and
huge numbers, 「240.5」 and 「1,200」, lists and objects where a scalar belongs, nulls, missing fields and bodies
that are not objects — and answers without a 5xx; when it refuses (4xx), nothing stored has changed.

Examples are derandomised (the same on every run) and few per write; each starts from the same small world
(tests/backend/sweep.py) and is rolled back. Schemathesis (test_schemathesis.py) checks the schema's contract;
this sweep goes where the schema does not: values the schema's own types do not describe."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.generators import SchemaGenerator
from hypothesis import given
from hypothesis import strategies as st
from knox.models import AuthToken
from rest_framework.test import APIClient

from backend.engagements.pledge import PLEDGE_VERSION
from tests.backend.sweep import (
    ANY_VALUE,
    NUMBERS,
    RAW_NUMBERS,
    SWEEP,
    TEXT,
    changed_tables,
    corporate_number,
    fingerprint,
    in_savepoint,
    world_build,
)

WRITES = ("post", "put", "patch", "delete")


def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations() -> list[tuple[str, str]]:
    return sorted((method, path) for path, item in _schema()["paths"].items() for method in item if method in WRITES)


# The role that may make each write (the others are refused before any value is read, which other tests hold).
EXPERT_WRITES = re.compile(r"^/api/v1/(engagements/\{id\}/(accept|decline|pledge)|experts/\{id\}/(pledge|affiliation-"
                           r"changes)|notifications/|work-days/(\{id\}/)?$|work-months/\{id\}/(submit|answer)/)")
MUNICIPAL_WRITES = re.compile(r"^/api/v1/(needs/|procurements/|renewals/\{id\}/|engagements/\{id\}/replacement|goals/|"
                              r"evaluations/|work-days/\{id\}/agree/|work-months/\{id\}/(confirm|dispute|adjust)/)")


def _role(path: str) -> str:
    if EXPERT_WRITES.match(path):
        return "expert_user"
    if MUNICIPAL_WRITES.match(path) and "adjust-priority" not in path:
        return "municipal"
    return "coordinator"


def _path(path: str, world) -> str:
    """The path with the world's row of the kind it names."""
    collection = path.split("/")[3]
    row = {
        "affiliation-changes": world.change, "applications": world.application, "engagements": world.offered,
        "exceptions": world.override, "experts": world.expert, "invitations": world.invitation,
        "needs": world.need, "notifications": world.notification, "procurements": world.procurement,
        "proposals": world.proposal, "renewals": world.renewal_need, "replacements": world.replacement,
        "runs": world.run, "scope-consents": world.consent, "users": world.other_user, "vendors": world.vendor,
        "visits": world.visit,
        "work-days": world.work_day, "work-months": world.work_month,
        # the second round and commitments elsewhere (issue 25)
        "rounds": world.round, "commitments": world.commitment,
    }.get(collection)
    if path.endswith("/replacement/") or path == "/api/v1/engagements/{id}/end/":
        row = world.active
    if collection == "funding":
        row = world.funding_scheme if "/schemes/" in path else world.recruitment_cost
    if path.startswith("/api/v1/import/jobs/"):  # an import the worker ran (issue 26)
        row = world.import_job
    return (path.replace("{id}", str(getattr(row, "pk", 0))).replace("{token_key}", world.token_key)
            .replace("{kind}", "needs"))


def _properties(operation: dict, components: dict) -> dict:
    content = operation.get("requestBody", {}).get("content", {})
    body = content.get("application/json") or next(iter(content.values()), {})
    schema = body.get("schema", {})
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return schema.get("properties", {})


def _plausible(prop: dict, components: dict):
    """A value of the property's own type, so that the nasty value in another field is the one read."""
    if "$ref" in prop:
        prop = components[prop["$ref"].rsplit("/", 1)[1]]
    for key in ("allOf", "oneOf", "anyOf"):
        if key in prop:
            return _plausible(prop[key][0], components)
    if "enum" in prop:
        return st.sampled_from([v for v in prop["enum"] if v is not None] or [None])
    kind = prop.get("type")
    if kind == "integer":
        return st.integers(min_value=prop.get("minimum", -5), max_value=prop.get("maximum", 3_000))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(_plausible(prop.get("items", {}), components), max_size=3)
    if kind == "object":
        return st.dictionaries(st.sampled_from(["security", "network", "bpr"]), st.integers(0, 4), max_size=2)
    if prop.get("format") == "date":
        return st.sampled_from(["2027-04-01", "2028-03-31", "2027-02-30", "1900-01-01"])
    return st.text(max_size=20)


NEED = {"municipality": "202011", "fiscal_year": 2027, "role": "cio_adviser", "title": "CIO補佐官", "pattern": "weekly",
        "pattern_days": 1, "weekdays": ["mon", "wed"], "budget": 2_400_000, "employment_forms": ["special_part_time"],
        "required_skills": {"security": 2}, "desired_skills": {"bpr": 1}, "priority": 3, "description": "庁内LAN",
        "fee_basis": "annual", "fee_amount": 1_200_000, "onsite_required": True, "onsite_days": 12}
EXPERT = {"name": "山田 花子", "capacity_days": 96, "weekdays": ["mon", "tue"], "daily_rate": 50_000,
          "employment_forms": ["contract"], "skills": {"security": 3}, "max_engagements": 3,
          "serves_prefectures": ["20"], "onsite_prefectures": ["20"], "email": "hanako@example.jp"}


def _valid_body(method: str, path: str, world) -> dict:
    """A body the write accepts (or refuses only for the state of the world), the start of every mutation."""
    affiliation = {"vendor": world.vendor.pk, "relation": "employee"}
    bodies = {
        "/api/v1/needs/": NEED, "/api/v1/needs/{id}/": NEED,
        "/api/v1/needs/{id}/adjust-priority/": {"adjusted_priority": 4, "priority_reason": "首長の要望"},
        "/api/v1/experts/": {**EXPERT, "affiliations": [affiliation]},
        "/api/v1/experts/{id}/": {**EXPERT, "affiliations": [affiliation]},
        "/api/v1/experts/{id}/affiliation-changes/": {"kind": "add", "vendor": world.vendor.pk, "relation": "side_job",
                                                      "note": "副業"},
        "/api/v1/procurements/": {"municipality": "202011", "title": "庁内LAN運用", "category": "operations",
                                  "status": "ongoing", "incumbent_vendor": world.vendor.pk, "fiscal_year": 2027},
        "/api/v1/vendors/": {"name": "信州テスト株式会社", "corporate_number": corporate_number("100000000001")},
        "/api/v1/runs/": {"fiscal_year": 2027, "scope": ["20"], "time_limit_s": 5, "seed": 1},
        "/api/v1/scope-consents/": {"grantee": "15", "fiscal_year": 2027, "note": "合同"},
        "/api/v1/decisions/": {"need": world.need.pk, "expert": world.expert.pk, "kind": "forbid"},
        "/api/v1/rounds/": {"fiscal_year": 2027, "deadline": "2099-06-30"},
        "/api/v1/commitments/": {"fiscal_year": 2027, "kind": "employer", "days_per_year": 10, "weekdays": ["fri"]},
        "/api/v1/commitments/{id}/": {"fiscal_year": 2027, "kind": "employer", "days_per_year": 12, "weekdays": []},
        "/api/v1/invitations/": {"email": "new@example.jp", "role": "municipal", "municipality": "202011"},
        "/api/v1/proposals/{id}/approve/": {"override_reason": "", "fee": 2_400_000, "employment_form": "contract",
                                            "starts_on": "2027-04-01", "ends_on": "2028-03-31"},
        "/api/v1/engagements/{id}/accept/": {"pledge_version": PLEDGE_VERSION},
        "/api/v1/engagements/{id}/pledge/": {"pledge_version": PLEDGE_VERSION},
        "/api/v1/engagements/{id}/decline/": {"decline_code": "schedule", "reason": "都合"},
        "/api/v1/engagements/{id}/deadline/": {"answer_by": "2099-03-31"},
        "/api/v1/engagements/{id}/replacement/": {"reason": "体調不良"},
        "/api/v1/exceptions/{id}/revoke/": {"reason": "撤回", "end_engagements": True},
        "/api/v1/applications/{id}/accept/": {"vendors": []},
        "/api/v1/applications/{id}/decline/": {"reason": "募集終了"},
        "/api/v1/affiliation-changes/{id}/accept/": {"reason": "確認済み"},
        "/api/v1/affiliation-changes/{id}/decline/": {"reason": "確認できず"},
        "/api/v1/renewals/prepare/": {"fiscal_year": 2028},
        "/api/v1/visits/{id}/move/": {"to_date": "2027-04-06", "reason": "出張"},
        "/api/v1/work-days/": {"engagement": world.active.pk, "date": "2027-04-06", "onsite": True, "hours": "7.5",
                               "topics": "研修", "done": "講師"},
        "/api/v1/work-days/{id}/": {"hours": "6", "topics": "研修", "done": "講師", "onsite": False},
        "/api/v1/work-months/{id}/dispute/": {"reasons": {str(world.work_day.pk): "記録と合いません"}},
        "/api/v1/work-months/{id}/answer/": {"answers": {str(world.work_day.pk): "確認しました"}},
        "/api/v1/work-months/{id}/confirm/": {"agree": [], "left_out": [world.work_day.pk]},
        "/api/v1/work-months/{id}/confirm-on-paper/": {"paper_reference": "長野市情第1号"},
        "/api/v1/work-months/{id}/adjust/": {"day": world.work_day.pk, "hours": "5", "reason": "訂正"},
        "/api/v1/funding/schemes/": {"name": "県単独補助", "rate": "0.25"},
        "/api/v1/funding/schemes/{id}/": {"name": "地域力創造アドバイザー", "min_days": 12},
        "/api/v1/funding/recruitment-costs/": {"municipality": "202011", "need": world.need.pk, "kind": "advertisement", "amount": 55000,
                                               "spent_on": "2027-05-10", "note": "求人広告"},
        "/api/v1/engagements/{id}/funding/": {"scheme": world.funding_scheme.pk, "public_staff": False},
        "/api/v1/auth/token/login/": {"username": world.coordinator.username, "password": "pw-kenmu-test"},
        # the budget estimate's what-if: read only (the need is changed in memory), answered by the engine
        "/api/v1/costs/estimate/what-if/": {"need": world.need.pk, "budget": 2_000_000, "days_per_year": 24,
                                            "onsite_days": 0, "offered_fee": 1_500_000},
        "/api/v1/published-years/": {"fiscal_year": 2027, "show_expert_names": False},
        "/api/v1/published-years/unpublish/": {"fiscal_year": 2027},
    }
    body = bodies.get(path, {})
    return {k: v for k, v in body.items() if k != "affiliations"} if method == "patch" and path.startswith(
        "/api/v1/needs/") else body


def _mutated(base: dict):
    """The valid body with one to three of its fields (or their parts) replaced by a nasty value or left out."""
    if not base:
        return st.nothing()
    names = sorted(base)

    def mutate(draw):
        body = json.loads(json.dumps(base))
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
            value = body[name]
            if isinstance(value, list) and value and isinstance(value[0], dict) and draw(st.booleans()):
                key = draw(st.sampled_from(sorted(value[0])))
                value[0][key] = draw(st.one_of(st.just(...), ANY_VALUE))
                value[0] = {k: v for k, v in value[0].items() if v is not ...}
            elif isinstance(value, dict) and value and draw(st.booleans()):
                value[draw(st.sampled_from(sorted(value)))] = draw(ANY_VALUE)
            else:
                body[name] = draw(st.one_of(st.just(...), ANY_VALUE))
        return {k: v for k, v in body.items() if v is not ...}

    return st.composite(lambda draw: mutate(draw))()


def _bodies(operation: dict, components: dict, base: dict):
    properties = _properties(operation, components)
    fields = {name: st.one_of(st.just(...), _plausible(prop, components), ANY_VALUE)
              for name, prop in properties.items()}
    objects = st.fixed_dictionaries(fields).map(lambda body: {k: v for k, v in body.items() if v is not ...})
    if base:
        return st.one_of(_mutated(base), _mutated(base), _mutated(base), objects, ANY_VALUE)
    return st.one_of(objects, objects, objects, ANY_VALUE)


def _json(body) -> str:
    text = json.dumps(body, ensure_ascii=False)
    for marker, raw in RAW_NUMBERS.items():
        text = text.replace(json.dumps(marker), raw)
    return text


def _uploads(client):
    """An import of experts or needs: the template's own header and one row of generated cells, as .csv, or
    bytes that only claim to be a spreadsheet."""
    headers = {kind: client.get(f"/api/v1/import/{kind}/template/?file=csv").content.decode("utf-8-sig").splitlines()[0]
               for kind in ("experts", "needs")}

    def upload(kind, name, cells):
        text = headers[kind] + "\n" + ",".join(json.dumps(str(c), ensure_ascii=False) for c in cells) + "\n"
        content = text.encode("utf-8") if name.endswith(".csv") else b"PK\x03\x04" + text.encode("utf-8")
        return f"/api/v1/import/{kind}/", SimpleUploadedFile(name, content)

    cells = st.lists(st.one_of(TEXT, NUMBERS), min_size=1, max_size=40)
    return st.builds(upload, st.sampled_from(["experts", "needs"]),
                     st.sampled_from(["rows.csv", "rows.xlsx", "rows.txt"]), cells)


OPERATIONS = _operations()


def test_the_sweep_names_a_role_and_a_row_for_every_write_of_the_schema():
    assert len(OPERATIONS) >= 50
    assert not [path for _, path in OPERATIONS if "{" in path and "{" in _path(path, _NO_WORLD)]


class _Nothing:
    pk = 1


class _NoWorld:
    def __getattr__(self, name):
        return "key" if name == "token_key" else _Nothing()


_NO_WORLD = _NoWorld()


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_every_api_write_answers_without_a_5xx_and_a_refusal_stores_nothing(method, path):
    schema = _schema()
    operation, components = schema["paths"][path][method], schema["components"]["schemas"]
    world = world_build()
    client = APIClient()  # a real token: the token endpoints read the one a request is signed with
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=getattr(world, _role(path)))[1]}")
    url, stored = _path(path, world), fingerprint()

    if "multipart/form-data" in operation.get("requestBody", {}).get("content", {}):
        bodies, request = _uploads(client), lambda body: client.post(body[0], data={"file": body[1]},
                                                                      format="multipart")
    else:
        bodies = _bodies(operation, components, _valid_body(method, path, world))
        request = lambda body: getattr(client, method)(url, data=_json(body), content_type="application/json")  # noqa: E731

    @SWEEP
    @given(body=bodies)
    def send(body):
        response, error, after = in_savepoint(lambda: request(body))
        assert not error, f"{method.upper()} {url} {str(body)[:300]}\n{error}"
        assert response.status_code < 500, f"{method.upper()} {url} {str(body)[:300]}: {response.content[:500]}"
        if 400 <= response.status_code < 500:
            assert not changed_tables(stored, after), (
                f"{method.upper()} {url} answered {response.status_code} and changed {changed_tables(stored, after)}")

    send()
