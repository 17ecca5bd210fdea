"""The consent page: a neighbour's coordinator records consent, the run form then offers that neighbour."""

import pytest

from backend.core.models import AuditLog
from backend.runs.models import ScopeConsent
from tests.backend.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db


def test_a_neighbour_grants_consent_and_the_run_form_offers_it(client):
    gunma, nagano = CoordinatorFactory(prefecture_id="10"), CoordinatorFactory(prefecture_id="20")
    client.force_login(gunma)
    response = client.post("/consents/", {"grantee": "20", "fiscal_year": "2027", "note": "広域連携協定"}, follow=True)
    assert response.status_code == 200
    assert "長野県が合同でマッチングを実行することに同意しました。" in response.content.decode()
    consent = ScopeConsent.objects.get()
    assert (consent.grantor_id, consent.grantee_id, consent.note) == ("10", "20", "広域連携協定")

    client.force_login(nagano)
    page = client.get("/runs/").content.decode()
    assert 'name="scope" value="10"' in page and "群馬県" in page
    assert 'value="19"' not in page  # 山梨県 did not consent

    client.force_login(gunma)
    asked = client.post(f"/consents/{consent.pk}/revoke/").content.decode()
    assert "長野県への令和9年度の同意を撤回しますか" in asked and ScopeConsent.objects.get().revoked_at is None
    revoked = client.post(f"/consents/{consent.pk}/revoke/", {"confirmed": "1"}, follow=True)
    assert "長野県への同意を撤回しました。" in revoked.content.decode()
    assert ScopeConsent.objects.get().revoked_at is not None
    assert AuditLog.objects.filter(action="scope_consent.revoke", scope__contains=["20"]).exists()
    client.force_login(nagano)
    refused = client.post(f"/consents/{consent.pk}/revoke/", {"confirmed": "1"})
    assert refused.status_code == 302  # refused with a message
    assert 'name="scope" value="10"' not in client.get("/runs/").content.decode()


def test_a_consent_to_oneself_is_refused_next_to_the_field(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.post("/consents/", {"grantee": "20", "fiscal_year": "2027"})
    assert response.status_code == 400
    assert "自分の都道府県には同意できません。" in response.content.decode()
