"""The pages where both sides have a say (issue 25), through the test client on the demo."""

from backend.accounts.models import User
from backend.needs.models import Need, NeedStatus
from backend.wishes.selectors import season_of
from tests.frontend.conftest import login


def _open_need(username: str) -> Need:
    clerk = User.objects.get(username=username)
    return Need.objects.filter(municipality_id=clerk.municipality_id, status=NeedStatus.OPEN,
                               fiscal_year=season_of("20")).order_by("id").first()


def test_the_pages_of_both_sides_and_the_coordinators_open_on_the_demo(demo, client):
    need = _open_need("demo-municipal")
    login(client, "demo-municipal")
    page = client.get(f"/needs/{need.pk}/shortlist/")
    assert page.status_code == 200
    print(need, page.content.decode().count('id="candidate-'))
    assert "候補者の希望" in client.get(f"/needs/{need.pk}/").content.decode()
    client.logout()
    login(client, "demo-expert")
    page = client.get("/interest/")
    assert page.status_code == 200
    print(page.content.decode().count('id="need-'))
    client.logout()
    login(client, "demo-coordinator")
    assert client.get("/wishes/").status_code == 200
