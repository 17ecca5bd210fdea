"""No 5xx, ever, on the pages (issue 21 item 7): every page of frontend/urls.py is opened as each role, every
form it shows (method post) is sent generated values in place of one to three of its own — huge, unicode and
control-character strings, 「240.5」, 「1,200」, inf, nan, 1e308, huge and negative numbers, impossible dates,
repeated values and missing fields — and answers without a 5xx; a refusal (a 4xx, or the form shown again with
its errors) stores nothing. Pages that take a POST no page shows a form for are sent the same values blind.

Examples are derandomised and few per form; each starts from the same world (tests/backend/sweep.py) and is
rolled back."""

import copy
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.accounts.services import invitation_token
from tests.backend.sweep import SWEEP, TEXT, changed_tables, fingerprint, in_savepoint, world_build

ROLES = ("coordinator", "municipal", "expert_user", "anonymous")
FORM_ERRORS = b'class="error-summary"'

# Sent in every field of every form at once, before the generated examples.
EVERY_FIELD = ["inf", "1e308", "²", "9" * 40, "-1", "1,200", "240.5", "2027-02-30", "x" * 10_000]


def _examples(values: dict) -> settings:
    """A few examples per form, more for a form of many fields (the need form has forty)."""
    return settings(SWEEP, max_examples=min(16, 5 + len(values) // 4))


class _Forms(HTMLParser):
    """Each <form method="post"> of a page: its action and its fields with the values the page gives them."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]], dict[str, list[str]]]] = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = (attrs.get("action") or "", {}, {})
            self.forms.append(self._form)
        elif self._form is not None and attrs.get("name") and tag in ("input", "select", "textarea", "button"):
            _, values, options = self._form
            kind = (attrs.get("type") or "").lower()
            values.setdefault(attrs["name"], [])
            if kind in ("checkbox", "radio"):
                options.setdefault(attrs["name"], []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    values[attrs["name"]].append(attrs.get("value", "on"))
            elif tag != "select" and kind not in ("submit", "button") or tag == "button" and attrs.get("value"):
                values[attrs["name"]].append(attrs.get("value") or "")
            if tag == "select":
                self._select = attrs["name"]
        elif self._form is not None and tag == "option" and getattr(self, "_select", None):
            _, values, options = self._form
            options.setdefault(self._select, []).append(attrs.get("value", ""))
            if "selected" in attrs:
                values[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "frontend":
            yield from _patterns(entry, prefix)
        elif isinstance(entry, URLPattern) and resolver is not None:
            yield entry.name


def _kwargs(name: str, world) -> dict:
    """The world's row for each page that names one."""
    if name == "invitation-accept":
        return {"token": invitation_token(world.invitation)}
    if name == "password-reset-confirm":
        return {"uidb64": urlsafe_base64_encode(force_bytes(world.coordinator.pk)),
                "token": default_token_generator.make_token(world.coordinator)}
    if name == "apply-form":
        return {"code": "20"}
    if name == "calendar-feed":
        return {"token": world.feed.token}
    if name == "import-template":
        return {"kind": "needs", "file": "csv"}
    if name == "work-month":
        return {"pk": world.active.pk, "year": world.work_month.year, "month": world.work_month.month}
    if name == "work-day-add":
        return {"pk": world.active.pk}
    # the documents as PDF (issue 24 item 5)
    if name == "engagement-document":
        return {"pk": world.active.pk, "kind": "pledge"}
    if name == "engagement-report-month":
        return {"pk": world.active.pk, "year": world.work_month.year, "month": world.work_month.month}
    if name == "engagement-report-year":
        return {"pk": world.active.pk, "fiscal_year": world.active.fiscal_year}
    if name == "restriction-notice":
        return {"code": world.active.municipality_id, "fiscal_year": world.active.fiscal_year}
    if name.startswith("public-year"):  # 長野県's year the world publishes
        return {"code": "20", "year": 2027}
    if name == "wishes-veto-withdraw":  # issue 25
        return {"pk": world.veto.pk}
    if name.startswith("import-job"):  # an import the worker ran (issue 26)
        return {"pk": world.import_job.pk}
    rows = [("engagement-conflict", world.conflict), ("invitation", world.invitation),
            ("application", world.application), ("user-", world.other_user), ("affiliation-change", world.change), ("expert", world.expert), ("need", world.need),
            ("procurement", world.procurement), ("run", world.run), ("proposal", world.proposal),
            ("exception", world.override), ("consent", world.consent), ("replacement-new", world.active),
            ("engagement-end", world.active), ("engagement-successor-run", world.active),
            ("engagement-goals", world.active), ("engagement-evaluate", world.active),
            ("engagement-council", world.active),
            ("engagement-deadline", world.offered),  # an offer's answer deadline (issue 25)
            ("engagement", world.offered), ("replacement", world.replacement), ("renewal", world.renewal_need),
            ("notification", world.notification), ("vendor-duplicate", world.duplicate), ("vendor", world.vendor),
            ("closed-day", world.closed_day), ("visit-", world.visit), ("work-day", world.work_day),
            ("work-month", world.work_month),
            ("funding-scheme", world.funding_scheme), ("recruitment-cost", world.recruitment_cost),
            # the second round and commitments elsewhere (issue 25)
            ("round-", world.round), ("my-commitment-", world.commitment)]
    return {"pk": next(row.pk for prefix, row in rows if name.startswith(prefix))}


def _urls(world) -> dict[str, str]:
    urls = {}
    for name in _patterns():
        try:
            urls[name] = reverse(f"frontend:{name}")
        except Exception:
            urls[name] = reverse(f"frontend:{name}", kwargs=_kwargs(name, world))
    return urls


def _forms(world, clients, blank: list) -> dict[tuple[str, str], tuple[dict, dict]]:
    """(role, action path) → (values, options) of every post form any page shows that role; `blank` gets each
    GET answered with a 405 or a 5xx (a URL opened again or in a new tab shows a page, issue 21)."""
    found = {}
    for url in _urls(world).values():
        for role, client in clients.items():
            response = client.get(url)
            if response.status_code == 405 or response.status_code >= 500:
                blank.append((role, url, response.status_code))
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _Forms()
            parser.feed(response.content.decode("utf-8", "replace"))
            for action, values, options in parser.forms:
                path = urlsplit(action).path or url
                if path.startswith("/") and not path.startswith(("/admin/", "/i18n/")):
                    found.setdefault((role, path), (values, options))
    return found


def _mutated(values: dict, options: dict):
    names = sorted(values) or ["x"]

    def mutate(draw):
        data = {name: list(v) for name, v in values.items()}
        for name in draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
            choice = draw(st.sampled_from(["drop", "text", "text", "option", "many"]))
            if choice == "drop":
                data.pop(name, None)
            elif choice == "option" and options.get(name):
                data[name] = draw(st.lists(st.sampled_from(options[name]), min_size=1, max_size=3))
            elif choice == "many":
                data[name] = draw(st.lists(TEXT, min_size=2, max_size=4))
            else:
                data[name] = [draw(TEXT)]
        return data

    return st.composite(lambda draw: mutate(draw))()


@pytest.fixture
def world(db):
    return world_build()


@pytest.fixture
def clients(world):
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if role != "anonymous":
            clients[role].force_login(getattr(world, role))
    return clients


def _post(client, path: str, data: dict):
    """The POST, with the client's cookies kept: a logout or a password change rolled back with the savepoint
    would otherwise leave the role signed out for every later form."""
    cookies = copy.deepcopy(client.cookies)
    try:
        return client.post(path, data)
    finally:
        client.cookies = cookies


def _sweep(client, role: str, path: str, values: dict, options: dict, stored: dict) -> str:
    """The first failure of one form's examples, or ''."""

    @_examples(values)
    @given(data=_mutated(values, options) if values else st.dictionaries(TEXT, TEXT, max_size=3))
    def send(data):
        response, error, after = in_savepoint(lambda: _post(client, path, data))
        assert not error, f"{role} POST {path} {str(data)[:300]}\n{error}"
        assert response.status_code < 500, f"{role} POST {path} {str(data)[:300]}: {response.status_code}"
        refused = 400 <= response.status_code < 500 or (response.status_code == 200 and FORM_ERRORS in response.content)
        if refused:
            assert not changed_tables(stored, after), (
                f"{role} POST {path} {str(data)[:300]} answered {response.status_code} and changed "
                f"{changed_tables(stored, after)}")

    try:
        for value in EVERY_FIELD:  # each value in every field at once: what a parser reads before any rule
            send.hypothesis.inner_test({name: [value] for name in values if name != "csrfmiddlewaretoken"})
        send()
    except AssertionError as failure:
        return str(failure)[:3000]
    return ""


# The forms are swept in shards, so that the suite's workers share what became its longest test (250 s alone).
SHARDS = 3


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_page_form_and_post_answers_without_a_5xx_and_a_refusal_stores_nothing(world, clients, shard):
    blank = []
    forms = _forms(world, clients, blank)
    assert not blank
    reached = {path for _, path in forms}
    blind = [((role, url), ({}, {})) for url in _urls(world).values() if url not in reached for role in ROLES]
    assert len(forms) >= 40, sorted(forms)
    stored = fingerprint()
    every = sorted(forms.items()) + blind
    failures = [_sweep(clients[role], role, path, values, options, stored)
                for (role, path), (values, options) in every[shard::SHARDS]]
    assert not any(failures), "\n\n".join(f for f in failures if f)
