"""Every page checks the role (wrong role -> 403) and the object's scope (another prefecture -> 404)."""

import pytest

from backend.runs.models import MatchRun, Proposal
from frontend.views.access import role_required
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def nagano_coordinator():
    return CoordinatorFactory(prefecture_id="20")


@pytest.fixture
def yamanashi_coordinator():
    return CoordinatorFactory(prefecture_id="19")


@pytest.fixture
def nagano_staff():
    return MunicipalStaffFactory(municipality_id="202011")


@pytest.fixture
def expert_user():
    return ExpertUserFactory(expert=ExpertFactory(registering_prefecture_id="20"))


@pytest.mark.parametrize("path", ["/dashboard/", "/experts/", "/runs/", "/replacements/", "/import/"])
def test_coordinator_pages_refuse_municipal_staff_and_experts(client, nagano_staff, expert_user, path):
    client.force_login(nagano_staff)
    assert client.get(path).status_code == 403
    client.force_login(expert_user)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/needs/", "/needs/new/", "/procurements/", "/restrictions/"])
def test_staff_pages_refuse_experts(client, expert_user, path):
    client.force_login(expert_user)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/me/", "/me/edit/"])
def test_expert_pages_refuse_staff(client, nagano_coordinator, path):
    client.force_login(nagano_coordinator)
    assert client.get(path).status_code == 403


def test_another_prefectures_expert_is_not_found(client, yamanashi_coordinator):
    nagano_expert = ExpertFactory(registering_prefecture_id="20")
    client.force_login(yamanashi_coordinator)
    assert client.get(f"/experts/{nagano_expert.pk}/").status_code == 404
    assert client.get(f"/experts/{nagano_expert.pk}/edit/").status_code == 404


def test_an_expert_who_only_serves_the_prefecture_is_visible_but_not_editable(client, yamanashi_coordinator):
    serving = ExpertFactory(registering_prefecture_id="20", serves=["20", "19"])
    client.force_login(yamanashi_coordinator)
    assert client.get(f"/experts/{serving.pk}/").status_code == 200
    assert client.get(f"/experts/{serving.pk}/edit/").status_code == 403


def test_another_municipalitys_need_cannot_be_edited_or_withdrawn(client, nagano_staff):
    matsumoto_need = NeedFactory(municipality_id="202029")
    client.force_login(nagano_staff)
    assert client.get(f"/needs/{matsumoto_need.pk}/edit/").status_code == 404
    assert client.post(f"/needs/{matsumoto_need.pk}/withdraw/").status_code == 404


def test_another_prefectures_need_is_not_found_for_a_coordinator(client, yamanashi_coordinator):
    need = NeedFactory(municipality_id="202011")
    client.force_login(yamanashi_coordinator)
    assert client.get(f"/needs/{need.pk}/edit/").status_code == 404


def test_another_municipalitys_procurement_is_not_found(client, nagano_staff):
    procurement = ProcurementFactory(municipality_id="202029")
    client.force_login(nagano_staff)
    assert client.get(f"/procurements/{procurement.pk}/edit/").status_code == 404


def test_another_prefectures_run_and_proposal_are_not_found(client, nagano_coordinator, yamanashi_coordinator):
    run = MatchRun.objects.create(prefecture_id="20", scope=["20"], scope_key="20/2027", fiscal_year=2027,
                                  status="succeeded", result={"assignments": [], "unmatched": []})
    proposal = Proposal.objects.create(run=run, need=NeedFactory(), expert=ExpertFactory(), weekdays=["mon"],
                                       days_per_year=48, fee=2_400_000)
    client.force_login(nagano_coordinator)
    assert client.get(f"/runs/{run.pk}/").status_code == 200
    client.force_login(yamanashi_coordinator)
    assert client.get(f"/runs/{run.pk}/").status_code == 404
    assert client.get(f"/runs/{run.pk}/progress/").status_code == 404
    assert client.post(f"/proposals/{proposal.pk}/approve/").status_code == 404
    assert client.post(f"/runs/{run.pk}/cancel/").status_code == 404


def test_an_expert_cannot_answer_an_offer_of_someone_else(client, expert_user):
    from backend.engagements.models import Engagement

    other = ExpertFactory()
    need = NeedFactory()
    engagement = Engagement.objects.create(expert=other, municipality_id="202011", need=need, fiscal_year=2027,
                                           starts_on="2027-04-01", ends_on="2028-03-31", weekdays=["mon"],
                                           days_per_year=48, fee=2_400_000, employment_form="contract")
    client.force_login(expert_user)
    assert client.post(f"/engagements/{engagement.pk}/respond/", {"answer": "accept"}).status_code == 404
    engagement.refresh_from_db()
    assert engagement.expert_accepted_at is None


def test_an_engagement_page_is_read_only_by_its_parties_and_its_coordinator(client, expert_user):
    """The offer's own page (issue 21) shows the expert's profile and the restriction: out of scope it is a 404."""
    from backend.accounts.models import User, UserRole
    from backend.engagements.models import Engagement

    other = ExpertFactory()
    engagement = Engagement.objects.create(expert=other, municipality_id="202011", need=NeedFactory(), fiscal_year=2027,
                                           starts_on="2027-04-01", ends_on="2028-03-31", weekdays=["mon"],
                                           days_per_year=48, fee=2_400_000, employment_form="contract")
    outsiders = [expert_user, User.objects.create_user("staff-matsumoto", role=UserRole.MUNICIPAL,
                                                       municipality_id="202029"),
                 User.objects.create_user("coordinator-gunma", role=UserRole.COORDINATOR, prefecture_id="10")]
    for outsider in outsiders:
        client.force_login(outsider)
        assert client.get(f"/engagements/{engagement.pk}/").status_code == 404, outsider.username
    insiders = [User.objects.create_user("staff-nagano", role=UserRole.MUNICIPAL, municipality_id="202011"),
                User.objects.create_user("coordinator-nagano", role=UserRole.COORDINATOR, prefecture_id="20"),
                User.objects.create_user("the-expert", role=UserRole.EXPERT, expert=other)]
    for insider in insiders:
        client.force_login(insider)
        assert client.get(f"/engagements/{engagement.pk}/").status_code == 200, insider.username


def test_a_page_names_its_roles_as_members_not_strings():
    """Issue 22: four pages named their roles as strings; a misspelt one would have shut everyone out."""
    with pytest.raises(TypeError):
        role_required("coordinator")


def test_no_template_spells_a_role_as_a_string():
    """Templates compare with `roles.COORDINATOR` (the UserRole members, from a context processor), so a
    renamed role cannot leave a menu silently empty (issue 22: no string roles)."""
    import pathlib
    import re

    templates = pathlib.Path(__file__).resolve().parents[2] / "frontend" / "templates"
    spelled = [f"{path.name}:{n}" for path in templates.rglob("*.html")
               for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
               if re.search(r"""role\s*[!=]=\s*["'](coordinator|municipal|expert|admin)["']""", line)]
    assert spelled == []
