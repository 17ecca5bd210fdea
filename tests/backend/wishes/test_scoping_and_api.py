"""Who sees and writes which wishes and vetoes (issue 25): a municipality sees only its own side of its own needs,
never the experts' interest nor another municipality's wishes; the API answers 403 for the wrong side and 404
outside the user's reach, and names the field of bad input in both languages."""

from backend.core.choices import WishSide
from backend.wishes import services
from backend.wishes.models import Veto, Wish
from backend.wishes.selectors import veto_list, wish_list, wishes_overview
from tests.backend.conftest import client_for


def _wishes(municipal, other_municipal, expert_user, need, other_need):
    expert = expert_user.expert
    services.wish_set(actor=municipal, need=need, expert=expert, side=WishSide.MUNICIPALITY, level=3)
    services.wish_set(actor=other_municipal, need=other_need, expert=expert, side=WishSide.MUNICIPALITY, level=2)
    services.wish_set(actor=expert_user, need=need, expert=expert, side=WishSide.EXPERT, level=3)
    services.wish_set(actor=expert_user, need=other_need, expert=expert, side=WishSide.EXPERT, level=1)


def test_a_municipality_sees_only_its_own_side_of_its_own_needs(municipal, other_municipal, expert_user, coordinator,
                                                               need, other_need):
    _wishes(municipal, other_municipal, expert_user, need, other_need)
    assert [(w.need_id, w.side) for w in wish_list(user=municipal)] == [(need.pk, "municipality")]
    assert {(w.need_id, w.side) for w in wish_list(user=expert_user)} == {(need.pk, "expert"),
                                                                          (other_need.pk, "expert")}
    assert wish_list(user=coordinator).count() == 4
    services.veto_add(actor=expert_user, side=WishSide.EXPERT, expert=expert_user.expert,
                      municipality=other_need.municipality, reason="遠い")
    assert not veto_list(user=municipal).exists() and not veto_list(user=other_municipal).exists()
    assert veto_list(user=coordinator).count() == 1


def test_the_coordinators_overview_is_three_queries_whatever_the_number_of_needs(
        municipal, other_municipal, expert_user, coordinator, need, other_need, django_assert_num_queries):
    _wishes(municipal, other_municipal, expert_user, need, other_need)
    with django_assert_num_queries(3):
        rows, vetoes = wishes_overview(user=coordinator, fiscal_year=2027)
    by_need = {r.need.pk: r for r in rows}
    assert [w.level for w in by_need[need.pk].expert_side] == [3]
    assert [w.expert_id for w in by_need[other_need.pk].municipality_side] == [expert_user.expert.pk]


def test_the_api_sets_and_clears_a_wish_for_its_own_side_only(municipal, other_municipal, coordinator, expert_user,
                                                             need):
    body = {"need": need.pk, "expert": expert_user.expert.pk, "side": "municipality", "level": 3}
    assert client_for(coordinator).post("/api/v1/wishes/", body, format="json").status_code == 403
    assert client_for(other_municipal).post("/api/v1/wishes/", body, format="json").status_code == 404
    assert client_for(expert_user).post("/api/v1/wishes/", body, format="json").status_code == 403
    answer = client_for(municipal).post("/api/v1/wishes/", body, format="json")
    assert answer.status_code == 200 and answer.json()["level"] == 3
    assert client_for(other_municipal).get("/api/v1/wishes/").json()["count"] == 0
    assert client_for(expert_user).get("/api/v1/wishes/").json()["count"] == 0
    assert client_for(coordinator).get("/api/v1/wishes/").json()["count"] == 1
    bad = client_for(municipal).post("/api/v1/wishes/", {**body, "level": 5}, format="json")
    assert bad.status_code == 400
    error = bad.json()["errors"][0]
    assert error["field"] == "level" and error["ja"] and error["en"]
    del body["level"]
    assert client_for(municipal).post("/api/v1/wishes/clear/", body, format="json").status_code == 204
    assert not Wish.objects.exists()


def test_the_api_records_a_veto_that_only_its_side_withdraws(municipal, coordinator, expert_user, need):
    body = {"side": "municipality", "expert": expert_user.expert.pk, "need": need.pk, "reason": ""}
    blank = client_for(municipal).post("/api/v1/vetoes/", body, format="json")
    assert blank.status_code == 400 and blank.json()["errors"][0]["field"] == "reason"
    made = client_for(municipal).post("/api/v1/vetoes/", {**body, "reason": "面談で合わなかった"}, format="json")
    assert made.status_code == 201
    pk = made.json()["id"]
    assert client_for(coordinator).post(f"/api/v1/vetoes/{pk}/withdraw/").status_code == 403
    assert client_for(expert_user).post(f"/api/v1/vetoes/{pk}/withdraw/").status_code == 404  # not in their scope
    assert client_for(municipal).post(f"/api/v1/vetoes/{pk}/withdraw/").json()["withdrawn_at"]
    assert Veto.objects.in_force().count() == 0
