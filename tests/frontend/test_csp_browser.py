"""Every main page of each role renders under the strict Content-Security-Policy without a single violation:
no inline style, no inline script, no style element injected by htmx. Chromium reports a blocked item both
on the console and as a `securitypolicyviolation` event; the tests listen to both."""

import pytest

from backend.experts.models import Expert
from backend.needs.models import Need
from backend.runs.models import MatchRun, Proposal
from tests.frontend.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
"""
# The violation events are queued as tasks; two timer turns let those queued before them run first.
READ_VIOLATIONS = "() => new Promise((done) => setTimeout(() => setTimeout(() => done(window.__csp), 0), 0))"


def _run_with_proposals() -> MatchRun:
    """A finished run of 長野県 with two proposals and one unmatched need: the review page has every row kind."""
    *proposed, unmatched = Need.objects.filter(municipality__prefecture_id="20").order_by("id")[:3]
    experts = Expert.objects.filter(registering_prefecture_id="20").order_by("id")[:2]
    fiscal_year = unmatched.fiscal_year
    run = MatchRun.objects.create(
        prefecture_id="20", scope=["20"], scope_key=f"20/{fiscal_year}", fiscal_year=fiscal_year,
        status="succeeded", result={"assignments": [], "unmatched": [
            {"need": f"N{unmatched.pk}", "reason": "over_budget", "detail": "lowest eligible fee > budget"}]})
    for need, expert in zip(proposed, experts, strict=True):
        Proposal.objects.create(run=run, need=need, expert=expert, weekdays=["mon"], days_per_year=48,
                                fee=2_400_000)
    return run


def _coordinator_pages() -> list[str]:
    expert = Expert.objects.filter(registering_prefecture_id="20").order_by("id").first()
    run = _run_with_proposals()
    return ["/dashboard/", "/experts/", "/experts/new/", f"/experts/{expert.pk}/", f"/experts/{expert.pk}/edit/",
            "/needs/", "/runs/", f"/runs/{run.pk}/", "/consents/", "/engagements/", "/replacements/",
            "/restrictions/", "/audit/", "/import/"]


def _municipal_pages() -> list[str]:
    need = Need.objects.filter(municipality_id="202011").order_by("id").first()
    return ["/needs/", "/needs/new/", f"/needs/{need.pk}/edit/", "/procurements/", "/engagements/",
            "/restrictions/"]


def _expert_pages() -> list[str]:
    return ["/me/", "/me/edit/", "/engagements/"]


def _violations(page, live_server, paths: list[str], name: str) -> dict[str, list[str]]:
    """Each path's violations as reported by the console and by the violation event."""
    console: list[str] = []

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            console.append(message.text)

    page.on("console", on_console)
    page.add_init_script(RECORD_VIOLATIONS)
    found = {}
    for path in paths:
        console.clear()
        response = page.goto(f"{live_server.url}{path}")
        assert response.ok, f"{path} answered {response.status}"
        page.wait_for_load_state("load")
        shot(page, f"csp-{name}-{path.strip('/').replace('/', '-') or 'home'}")
        events = page.evaluate(READ_VIOLATIONS)
        if console or events:
            found[path] = [*console, *events]
    return found


@pytest.mark.parametrize(("username", "pages"), [
    ("demo-coordinator", _coordinator_pages),
    ("demo-municipal", _municipal_pages),
    ("demo-expert", _expert_pages),
], ids=["coordinator", "municipal", "expert"])
def test_every_main_page_of_a_role_renders_without_a_csp_violation(browser, live_server, seeded, username, pages):
    page = sign_in(browser, live_server, username)
    found = _violations(page, live_server, pages(), username.removeprefix("demo-"))
    assert not found, "\n".join(f"{path}: {v}" for path, vs in found.items() for v in vs)


def test_the_sign_in_page_renders_without_a_csp_violation(browser, live_server, seeded):
    page = browser.new_page()
    found = _violations(page, live_server, ["/login/"], "anonymous")
    page.close()
    assert not found, "\n".join(f"{path}: {v}" for path, vs in found.items() for v in vs)
