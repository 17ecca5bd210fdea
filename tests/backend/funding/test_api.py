"""The funding API (issue 24, item 1): schemes read in scope and written by their coordinator only (403 for other
roles, 404 outside the scope), recruitment costs with their permissions, an engagement's funding read and set."""



from backend.funding.models import RecruitmentCost, SchemeKind
from backend.funding.selectors import schemes_of
from tests.backend.conftest import client_for

SCHEMES = "/api/v1/funding/schemes/"
COSTS = "/api/v1/funding/recruitment-costs/"



def test_schemes_are_read_in_scope_and_edited_only_by_their_coordinator(coordinator, other_coordinator, municipal,
                                                                        expert_user):
    listed = client_for(municipal).get(SCHEMES).json()["results"]
    assert [s["kind"] for s in listed] == ["cio_grant", "regional_adviser", "entrepreneur", "general"]
    regional = schemes_of("20").get(kind=SchemeKind.REGIONAL_ADVISER)
    url = f"{SCHEMES}{regional.pk}/"
    for reader in (municipal, expert_user):
        assert client_for(reader).patch(url, {"min_days": 1}, format="json").status_code in (403, 404)
    assert client_for(municipal).patch(url, {"min_days": 1}, format="json").status_code == 403
    assert client_for(municipal).post(SCHEMES, {"name": "x"}, format="json").status_code == 403
    assert client_for(other_coordinator).patch(url, {"min_days": 1}, format="json").status_code == 404
    response = client_for(coordinator).patch(url, {"min_days": 12, "rate": "0.9"}, format="json")
    assert response.status_code == 200 and response.json()["min_days"] == 12
    refused = client_for(coordinator).patch(url, {"rate": "1.5"}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "rate"
    created = client_for(coordinator).post(SCHEMES, {"name": "県単独補助", "rate": "0.25"}, format="json")
    assert created.status_code == 201 and created.json()["kind"] == "other"


def test_recruitment_costs_are_recorded_listed_and_removed_with_their_permissions(municipal, other_municipal,
                                                                                 engagement, expert_user):
    data = {"need": engagement.need_id, "kind": "advertisement", "amount": 55000, "spent_on": "2027-05-10",
            "note": "求人サイトへの掲載"}
    assert client_for(expert_user).post(COSTS, data, format="json").status_code == 403
    created = client_for(municipal).post(COSTS, data, format="json")
    assert created.status_code == 201 and created.json()["municipality"] == "202011"
    assert created.json()["fiscal_year"] == 2027
    assert client_for(municipal).get(f"{COSTS}?fiscal_year=2027").json()["count"] == 1
    assert client_for(other_municipal).get(COSTS).json()["count"] == 0
    url = f"{COSTS}{created.json()['id']}/"
    assert client_for(other_municipal).delete(url).status_code == 404
    assert client_for(municipal).delete(url).status_code == 204
    assert not RecruitmentCost.objects.exists()


def test_an_engagements_funding_is_read_by_its_parties_and_set_by_its_coordinator(coordinator, other_coordinator,
                                                                                  municipal, engagement):
    url = f"/api/v1/engagements/{engagement.pk}/funding/"
    read = client_for(municipal).get(url).json()
    assert read["scheme"]["kind"] == "cio_grant" and read["scheme_is_default"] is True  # a CIO adviser's default
    assert read["standing"]["state"] == "eligible" and read["standing"]["tracker"] == ""
    regional = schemes_of("20").get(kind=SchemeKind.REGIONAL_ADVISER)
    assert client_for(municipal).post(url, {"scheme": regional.pk}, format="json").status_code == 403
    assert client_for(other_coordinator).post(url, {"scheme": regional.pk}, format="json").status_code == 404
    response = client_for(coordinator).post(url, {"scheme": regional.pk}, format="json")
    assert response.status_code == 200
    standing = response.json()["standing"]
    assert standing["state"] == "pending" and standing["tracker"] == ("0 of 10 days, 0 of 5 visits. 10 more days or 5 more visits needed by 2028-03-31")  # the API speaks English by default
