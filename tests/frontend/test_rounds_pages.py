"""The coordinator's second-round page and the expert's commitments elsewhere on the profile pages."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.experts.models import ExternalCommitment
from backend.runs.models import MatchRun
from backend.wishes.models import Round
from frontend.todo import todo_list
from tests.backend.factories import CoordinatorFactory, ExpertUserFactory, MatchRunFactory, NeedFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_publishes_a_round_sees_its_needs_and_runs_it(client):
    coordinator = CoordinatorFactory(prefecture_id="20")
    need = NeedFactory(title="DX推進の助言", fiscal_year=2027)
    client.force_login(coordinator)
    page = client.get("/rounds/").content.decode()
    assert "長野市「DX推進の助言」" in page
    past = client.post("/rounds/publish/", {"fiscal_year": "2027", "deadline": "2001-01-01"})
    assert past.status_code == 400 and "希望の締切には明日以降の日付を指定してください。" in past.content.decode()
    deadline = timezone.localdate() + dt.timedelta(days=14)
    done = client.post("/rounds/publish/", {"fiscal_year": "2027", "deadline": deadline.isoformat()}, follow=True)
    text = done.content.decode()
    assert "二次調整を公開しました（ニーズ1件）" in text and "長野市" in text and "0人" in text
    assert "令和" in text and "二次調整を実行" in text
    r = Round.objects.get()
    assert list(r.needs.all()) == [need]
    ran = client.post(f"/rounds/{r.pk}/run/", follow=True)
    run = MatchRun.objects.get(round=r)
    assert ran.redirect_chain[-1][0] == f"/runs/{run.pk}/" and "二次調整" in ran.content.decode()
    assert "二次調整" in client.get("/runs/").content.decode()


def test_an_expert_declares_a_commitment_and_the_coordinator_sees_it(client):
    user = ExpertUserFactory()
    client.force_login(user)
    assert "他の業務（このプールの外）" in client.get("/me/").content.decode()
    bad = client.post("/me/commitments/", {"fiscal_year": "2027", "kind": "employer", "days_per_year": "400"})
    assert bad.status_code == 400 and "年間日数は1から366の間で指定してください。" in bad.content.decode()
    saved = client.post("/me/commitments/", {"fiscal_year": "2027", "kind": "employer", "days_per_year": "12",
                                             "weekdays": ["fri"], "note": "本業の繁忙期"}, follow=True)
    assert "他の業務の申告を保存しました。" in saved.content.decode()
    commitment = ExternalCommitment.objects.get(expert=user.expert)
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get(f"/experts/{user.expert.pk}/").content.decode()
    assert "本業の繁忙期" in page and "勤務先の業務" in page and "12日" in page
    assert f"/me/commitments/{commitment.pk}/remove/" not in page  # the coordinator reads, never writes


def test_a_round_past_its_deadline_awaits_its_run_on_the_coordinators_home(client):
    coordinator = CoordinatorFactory(prefecture_id="20")
    r = Round.objects.create(prefecture_id="20", fiscal_year=2027, deadline=timezone.localdate() - dt.timedelta(days=1),
                             published_at=timezone.now(), published_by=coordinator)
    waiting = {t.key: t.count for t in todo_list(user=coordinator)}
    assert waiting["rounds"] == 1
    MatchRun.objects.create(prefecture_id="20", scope=["20"], scope_key="x", fiscal_year=2027, kind="second_round",
                            round=r, status="succeeded")
    assert {t.key: t.count for t in todo_list(user=coordinator)}["rounds"] == 0


def test_the_round_page_says_when_the_years_main_round_has_not_finished(client):
    coordinator = CoordinatorFactory(prefecture_id="20")
    NeedFactory(fiscal_year=2027)
    client.force_login(coordinator)
    warning = "一次のマッチングはまだ完了していません"
    assert warning in client.get("/rounds/?fy=2027").content.decode()
    MatchRunFactory(fiscal_year=2027, status="failed")
    assert warning in client.get("/rounds/").content.decode()
    MatchRunFactory(fiscal_year=2027)
    assert warning not in client.get("/rounds/").content.decode()
