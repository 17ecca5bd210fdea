"""Both sides have a say, in chromium (issue 25): the clerk marks a candidate of the need 第一希望 and another 不可
with a reason from the need's page; the expert marks interest in a need and declines a municipality."""

import re

import pytest
from playwright.sync_api import expect

from backend.accounts.models import User
from backend.core.choices import WishSide
from backend.wishes.models import Veto, Wish
from backend.wishes.selectors import season_of
from frontend.views.wishes import _eligible_needs, _shortlist
from tests.backend.factories import ExpertFactory, NeedFactory
from tests.frontend.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_marks_a_first_choice_and_a_veto_on_the_shortlist(browser, live_server, seeded):
    clerk = User.objects.get(username="demo-municipal")
    need = NeedFactory(municipality_id=clerk.municipality_id, fiscal_year=season_of("20"), title="E2E DX推進")
    first, vetoed = ExpertFactory(name="E2E 一郎"), ExpertFactory(name="E2E 二郎")
    assert {first, vetoed} <= {r.expert for r in _shortlist(need, user=clerk)}

    page = sign_in(browser, live_server, "demo-municipal")
    page.goto(f"{live_server.url}/needs/{need.pk}/")
    page.get_by_role("link", name="候補者の希望").click()
    row = page.locator(f"#candidate-{first.pk}")
    row.get_by_label(f"{first.name}さんへの希望").select_option(label="第一希望")
    row.get_by_role("button", name="保存").click()
    expect(page.get_by_text(f"{first.name}さんを「第一希望」として保存しました。")).to_be_visible()
    expect(page.locator(f"#candidate-{first.pk}").get_by_label(f"{first.name}さんへの希望")).to_have_value("3")

    row = page.locator(f"#candidate-{vetoed.pk}")
    row.get_by_text("不可とする…").click()
    row.get_by_label(re.compile("不可とする理由")).fill("前任時の対応に課題があった")
    row.get_by_role("button", name=re.compile("不可として登録")).click()
    expect(page.get_by_text(f"{vetoed.name}さんを不可として登録しました。コーディネーターに通知されます。")).to_be_visible()
    expect(page.locator(f"#candidate-{vetoed.pk}")).to_contain_text("前任時の対応に課題があった")
    shot(page, "municipal-shortlist")
    assert Wish.objects.get(need=need, side=WishSide.MUNICIPALITY).expert == first
    assert Veto.objects.in_force().get(need=need).expert == vetoed


def test_the_expert_marks_interest_and_declines_a_municipality(browser, live_server, seeded):
    expert_user = User.objects.get(username="demo-expert")
    rows = _eligible_needs(expert_user.expert)
    wanted = rows[0].need
    declined = next(r.need.municipality for r in rows if r.need.municipality_id != wanted.municipality_id)

    page = sign_in(browser, live_server, "demo-expert")
    page.goto(f"{live_server.url}/interest/")
    row = page.locator(f"#need-{wanted.pk}")
    row.get_by_label(f"{wanted.municipality.name}への希望").select_option(label="希望")
    row.get_by_role("button", name="保存").click()
    expect(page.get_by_text(re.compile(f"{wanted.municipality.name}「.*」を「希望」として保存しました。"))).to_be_visible()

    page.get_by_label("市区町村", exact=True).select_option(label=f"{declined.prefecture.name}{declined.name}")
    page.get_by_label("理由（必須）").fill("通勤に片道4時間かかる")
    page.get_by_role("button", name="この市区町村には行けない").click()
    expect(page.get_by_text(f"{declined.name}には行けないと登録しました。コーディネーターに通知されます。")).to_be_visible()
    expect(page.get_by_role("button", name=f"取り下げる {declined.name}")).to_be_visible()
    shot(page, "expert-interest")
    # The demo seeds other experts' wishes and vetoes too: these are the ones this expert just stated.
    assert Wish.objects.get(side=WishSide.EXPERT, expert=expert_user.expert, need=wanted).level == 2
    assert Veto.objects.in_force().get(side=WishSide.EXPERT, expert=expert_user.expert).municipality == declined

    # The coordinator sees both, and who declined whom and why.
    page = sign_in(browser, live_server, "demo-coordinator")
    page.goto(f"{live_server.url}/wishes/")
    if declined.prefecture_id == "20":
        expect(page.locator("#h-vetoes + div")).to_contain_text("通勤に片道4時間かかる")
    shot(page, "coordinator-wishes")
