"""Form messages name the field and say what to do, in place of DRF's generic wording."""

import pytest
from django.utils import translation

from frontend.forms import natural
from tests.backend.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("error", "shown"), [
    ({"field": "role", "code": "invalid_choice", "ja": '""は有効な選択肢ではありません。'}, "役割は一覧から選んでください。"),
    ({"field": "employment_forms", "code": "empty", "ja": "リストは空ではいけません。"}, "任用形態を1つ以上選んでください。"),
    ({"field": "affiliations[0].vendor", "code": "does_not_exist", "ja": '主キー "99" は不正です'},
     "事業者が見つかりません。一覧から選び直してください。"),
    ({"field": "priority", "code": "max_value", "ja": "この値は5以下にしてください。",
      "en": "Ensure this value is less than or equal to 5."}, "優先度は5以下で入力してください。"),
    ({"field": "capacity_days", "code": "max_value", "ja": "この値は366以下にしてください。",
      "en": "Ensure this value is less than or equal to 366."}, "年間稼働日数は366以下で入力してください。"),
    ({"field": "name", "code": "blank", "ja": "この項目は空にできません。"}, "氏名を入力してください。"),
    # Issue 21: the budget is typed in 万円; its limit was said in yen (1,000,000,000).
    ({"field": "budget", "code": "max_value", "ja": "この値は1000000000以下にしてください。",
      "en": "Ensure this value is less than or equal to 1000000000."}, "予算は100,000万円以下で入力してください。"),
])
def test_generic_messages_become_ones_that_name_the_field(error, shown):
    with translation.override("ja"):
        assert natural(error) == shown


def test_a_services_own_message_is_kept():
    error = {"field": "municipality", "code": "invalid_municipality_code", "ja": "団体コード 999999 は不正です。"}
    with translation.override("ja"):
        assert natural(error) == "団体コード 999999 は不正です。"


def test_a_skill_typed_by_its_label_is_read_and_an_unknown_one_lists_the_choices(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    from rest_framework import serializers

    from backend.core.api import BilingualValidationError, validate_input
    from backend.core.fields import SkillLevelsField

    class Skills(serializers.Serializer):
        skills = SkillLevelsField()

    assert validate_input(Skills, data={"skills": {"情報セキュリティ": 2}})["skills"] == {"security": 2}
    with pytest.raises(BilingualValidationError) as refused:
        validate_input(Skills, data={"skills": {"セキュリティ": 2}})
    (error,) = refused.value.errors
    assert error["ja"].startswith("スキル「セキュリティ」は一覧にありません。") and "情報セキュリティ" in error["ja"]
