"""factory_boy factories for the domain models; every default is valid under the hard rules."""

import factory

from backend.accounts.models import User, UserRole
from backend.core.choices import (
    AffiliationRelation,
    ProcurementCategory,
    ProcurementStatus,
    Role,
    WorkPattern,
)
from backend.core.validators import corporate_number_check_digit
from backend.experts.models import Affiliation, Expert, ExpertSkill
from backend.needs.models import Need, NeedSkill
from backend.procurement.models import Procurement, Vendor
from backend.procurement.names import vendor_name_key


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-kenmu-test")
    role = UserRole.ADMIN


class CoordinatorFactory(UserFactory):
    role = UserRole.COORDINATOR
    prefecture_id = "20"


class MunicipalStaffFactory(UserFactory):
    role = UserRole.MUNICIPAL
    municipality_id = "202011"


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"専門 太郎{n}")
    registering_prefecture_id = "20"
    capacity_days = 96
    weekdays = factory.LazyFunction(lambda: ["mon", "tue", "wed", "thu", "fri"])
    max_engagements = 3
    daily_rate = 50_000
    employment_forms = factory.LazyFunction(lambda: ["special_part_time", "contract"])

    @factory.post_generation
    def serves(self, create, extracted, **kwargs):
        self.serves_prefectures.set(extracted or [self.registering_prefecture_id])
        self.onsite_prefectures.set(extracted or [self.registering_prefecture_id])

    @factory.post_generation
    def skill_levels(self, create, extracted, **kwargs):
        for skill, level in (extracted or {"security": 3, "planning": 2}).items():
            ExpertSkill.objects.create(expert=self, skill=skill, level=level)


class ExpertUserFactory(UserFactory):
    role = UserRole.EXPERT
    expert = factory.SubFactory(ExpertFactory)


def corporate_number(n: int) -> str:
    """A valid 法人番号 (check digit and all) for each n."""
    body = f"{7_000_000_000 + n:012d}"
    return corporate_number_check_digit(body) + body


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"テストシステム株式会社{n}")
    name_key = factory.LazyAttribute(lambda v: vendor_name_key(v.name))
    # Far from the small numbers tests pick by hand (corporate_number(900)): a long session's sequence reached them.
    corporate_number = factory.Sequence(lambda n: corporate_number(500_000_000 + n))


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    expert = factory.SubFactory(ExpertFactory)
    vendor = factory.SubFactory(VendorFactory)
    relation = AffiliationRelation.EMPLOYEE


class ProcurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procurement

    municipality_id = "202011"
    title = "庁内ネットワーク運用保守業務"
    category = ProcurementCategory.OPERATIONS
    status = ProcurementStatus.ONGOING
    incumbent_vendor = factory.SubFactory(VendorFactory)
    fiscal_year = 2027


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need
        skip_postgeneration_save = True

    municipality_id = "202011"
    fiscal_year = 2027
    role = Role.CIO_ADVISER
    title = factory.Sequence(lambda n: f"CIO補佐官 {n}")
    pattern = WorkPattern.WEEKLY
    pattern_days = 1
    days_per_year = 48
    weekly_days = 1
    weekdays = factory.LazyFunction(lambda: ["mon", "tue", "wed", "thu", "fri"])
    budget = 2_400_000
    onsite_required = False
    onsite_days = factory.LazyAttribute(lambda need: need.days_per_year if need.onsite_required else 0)
    employment_forms = factory.LazyFunction(lambda: ["special_part_time"])
    priority = 3

    @factory.post_generation
    def required(self, create, extracted, **kwargs):
        for skill, level in (extracted or {"security": 2}).items():
            NeedSkill.objects.create(need=self, skill=skill, level=level, required=True)


class MatchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "runs.MatchRun"

    prefecture_id = "20"
    scope = factory.LazyFunction(lambda: ["20"])
    scope_key = factory.Sequence(lambda n: f"test-{n}")
    fiscal_year = 2027
    status = "succeeded"


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "runs.Proposal"

    run = factory.SubFactory(MatchRunFactory)
    need = factory.SubFactory(NeedFactory)
    expert = factory.SubFactory(ExpertFactory)
    weekdays = factory.LazyFunction(lambda: ["mon"])
    days_per_year = 48
    fee = 2_400_000
