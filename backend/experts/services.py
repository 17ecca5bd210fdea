"""Writes of experts: registration by coordinators, upkeep by the experts themselves."""

from django.db import transaction

from backend.accounts.models import UserRole
from backend.core.audit import audit_record
from backend.core.errors import DomainError
from backend.experts.models import Affiliation, Expert, ExpertSkill

SCALAR_FIELDS = [
    "name", "name_kana", "email", "phone", "base_municipality", "capacity_days", "weekdays",
    "max_engagements", "daily_rate", "employment_forms", "pledge_signed_on", "active",
]


def expert_snapshot(expert: Expert) -> dict:
    return {
        "name": expert.name,
        "home_prefecture": expert.home_prefecture_id,
        "serves_prefectures": sorted(expert.serves_prefectures.values_list("code", flat=True)),
        "onsite_prefectures": sorted(expert.onsite_prefectures.values_list("code", flat=True)),
        "capacity_days": expert.capacity_days,
        "weekdays": list(expert.weekdays),
        "max_engagements": expert.max_engagements,
        "daily_rate": expert.daily_rate,
        "employment_forms": list(expert.employment_forms),
        "pledge_signed_on": expert.pledge_signed_on,
        "skills": dict(expert.skills.values_list("skill", "level")),
        "affiliations": [
            [a.vendor_id, a.relation, a.ended_on] for a in expert.affiliations.order_by("vendor_id", "relation")
        ],
        "active": expert.active,
    }


def _home_prefecture_for(*, user, data, current=None):
    requested = data.get("home_prefecture")
    if user.role == UserRole.COORDINATOR:
        if requested is not None and requested.pk != user.prefecture_id:
            raise DomainError.single(
                "home_prefecture", "not_your_prefecture",
                "登録都道府県は担当の都道府県のみ指定できます。",
                "A coordinator can register experts only in their own prefecture.",
            )
        return user.prefecture
    if user.role == UserRole.EXPERT:
        if requested is not None and current is not None and requested.pk != current.pk:
            raise DomainError.single(
                "home_prefecture", "read_only", "登録都道府県は変更できません。",
                "An expert cannot change the registering prefecture.",
            )
        return current
    if requested is None and current is None:
        raise DomainError.single("home_prefecture", "required", "登録都道府県は必須です。",
                                 "home_prefecture is required.")
    return requested or current


def _write_relations(expert: Expert, data: dict) -> None:
    if "serves_prefectures" in data or expert.serves_prefectures.count() == 0:
        served = {p.pk for p in data.get("serves_prefectures", [])} | {expert.home_prefecture_id}
        expert.serves_prefectures.set(sorted(served))
    if "onsite_prefectures" in data:
        expert.onsite_prefectures.set([p.pk for p in data["onsite_prefectures"]])
    if "skills" in data:
        expert.skills.all().delete()
        ExpertSkill.objects.bulk_create(
            [ExpertSkill(expert=expert, skill=s, level=lvl) for s, lvl in sorted(data["skills"].items())]
        )
    if "affiliations" in data:
        expert.affiliations.all().delete()
        Affiliation.objects.bulk_create(
            [Affiliation(expert=expert, vendor=a["vendor"], relation=a["relation"], ended_on=a.get("ended_on"))
             for a in data["affiliations"]]
        )


@transaction.atomic
def expert_create(*, user, data: dict) -> Expert:
    home = _home_prefecture_for(user=user, data=data)
    expert = Expert(home_prefecture=home)
    for field in SCALAR_FIELDS:
        if field in data:
            setattr(expert, field, data[field])
    expert.full_clean(exclude=["weekdays", "employment_forms"])
    expert.save()
    _write_relations(expert, data)
    audit_record(actor=user, action="expert.create", obj=expert, prefecture=home, after=expert_snapshot(expert))
    return expert


@transaction.atomic
def expert_update(*, user, expert: Expert, data: dict) -> Expert:
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    before = expert_snapshot(expert)
    expert.home_prefecture = _home_prefecture_for(user=user, data=data, current=expert.home_prefecture)
    for field in SCALAR_FIELDS:
        if field in data:
            setattr(expert, field, data[field])
    expert.save()
    _write_relations(expert, data)
    audit_record(actor=user, action="expert.update", obj=expert, prefecture=expert.home_prefecture,
                 before=before, after=expert_snapshot(expert))
    return expert


@transaction.atomic
def expert_deactivate(*, user, expert: Expert) -> Expert:
    """Experts are never deleted (engagements and the audit log refer to them); they retire."""
    before = expert_snapshot(expert)
    expert.active = False
    expert.save(update_fields=["active", "updated_at"])
    audit_record(actor=user, action="expert.deactivate", obj=expert, prefecture=expert.home_prefecture,
                 before=before, after=expert_snapshot(expert))
    return expert
