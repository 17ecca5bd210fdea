"""A believable demo: 長野県 and its neighbours 山梨県 and 群馬県, drawn from the national survey.

Work patterns follow the survey of municipalities that want outside digital experts: 週1日 32.8%,
週2–3日 24.3%, 月1日 16.1%, the rest a few days a year. Fees for one day a week run from 140万 to
696万円 a year (daily rate = fee / 48). Everything is drawn from one seeded random generator, so the
demo is the same on every machine. Writes go through the same services the API uses.
"""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction

from backend.accounts.models import User, UserRole
from backend.core.choices import (
    AffiliationRelation,
    EmploymentForm,
    ProcurementCategory,
    ProcurementStatus,
    Role,
    Skill,
    WorkPattern,
)
from backend.core.fiscal import current_fiscal_year
from backend.core.validators import corporate_number_check_digit
from backend.demo.wishes import demo_wishes_seed, demo_wishes_seeded
from backend.demo.year import demo_year_seed, demo_year_seeded
from backend.experts.models import Expert
from backend.experts.services import expert_create
from backend.geo.models import Municipality, Prefecture
from backend.needs.services import need_submit
from backend.procurement.models import Vendor
from backend.procurement.services import procurement_create, vendor_create
from backend.runs.services import scope_consent_grant

DEMO_PREFECTURE = "20"  # 長野県
NEIGHBOURS = ["19", "10"]  # 山梨県, 群馬県
DEMO_PASSWORD = "kenmu-demo"
EXPERT_COUNT = 60
NEED_SHARE = 0.40

SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "吉田", "山田",
            "佐々木", "山口", "松本", "井上", "木村", "林", "清水", "山崎", "森", "池田", "橋本", "阿部",
            "石川", "宮坂", "小松", "丸山", "北澤", "百瀬"]
GIVEN = ["健一", "直樹", "美穂", "陽子", "大輔", "恵", "誠", "綾", "拓也", "由美", "聡", "智子", "翔",
         "真理", "浩二", "香織", "剛", "彩", "亮", "裕子"]
VENDORS = ["信州情報システム株式会社", "甲信ソリューションズ株式会社", "上州データサービス株式会社",
           "アルプス電算株式会社", "ふじのくにIT株式会社", "全国自治体クラウド株式会社",
           "日本行政システム株式会社", "北関東ネットワーク株式会社", "やまなし電子計算センター株式会社",
           "千曲テクノロジー株式会社", "諏訪湖コンサルティング株式会社", "株式会社ガバメントDXパートナーズ"]
PROCUREMENT_TITLES = {
    ProcurementCategory.PLANNING_SUPPORT: "情報化計画策定支援業務",
    ProcurementCategory.DESIGN_DEVELOPMENT: "基幹系システム標準化移行業務",
    ProcurementCategory.OPERATIONS: "庁内ネットワーク運用保守業務",
    ProcurementCategory.AUDIT: "情報セキュリティ監査業務",
}
SURVEY_PATTERNS = [  # (weight, pattern, days)
    (32.8, WorkPattern.WEEKLY, 1),
    (24.3, WorkPattern.WEEKLY, 2),
    (16.1, WorkPattern.MONTHLY, 1),
    (8.0, WorkPattern.MONTHLY, 2),
    (18.8, WorkPattern.YEARLY, 6),
]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    scope: str


def _corporate_number(rng: random.Random) -> str:
    body = "".join(str(rng.randint(0, 9)) for _ in range(12))
    return corporate_number_check_digit(body) + body


def _daily_rate(rng: random.Random) -> int:
    """One day a week for a year costs 140万–696万円, most between 240万 and 480万."""
    annual = min(6_960_000, max(1_400_000, int(rng.lognormvariate(15.05, 0.35))))
    return round(annual / 48, -3)


def _skills(rng: random.Random, count: int, low: int = 1) -> dict[str, int]:
    return {s: rng.randint(low, 3) for s in rng.sample(Skill.values, count)}


def demo_logins() -> list[DemoLogin]:
    return [
        DemoLogin(u.role, u.username, DEMO_PASSWORD, str(u.municipality or u.prefecture or u.expert or ""))
        for u in User.objects.filter(username__startswith="demo-").select_related(
            "prefecture", "municipality", "expert").order_by("role", "username")
    ]


def demo_exists() -> bool:
    return User.objects.filter(username="demo-coordinator").exists()


def demo_seed(*, seed: int = 2027, year: bool = True) -> list[DemoLogin]:
    """Create the demo once, then this fiscal year's work in progress (backend/demo/year.py) unless `year` is
    False (tests of next year's season that count what a fresh region holds); a second call changes nothing (the
    command is idempotent)."""
    if not demo_exists():
        _region_seed(random.Random(seed))
    if year and not demo_year_seeded():
        demo_year_seed(coordinator=User.objects.get(username="demo-coordinator"),
                       demo_expert=User.objects.get(username="demo-expert").expert, rng=random.Random(seed + 1))
    if year and not demo_wishes_seeded(current_fiscal_year() + 1):  # next year's season: both sides' wishes (issue 25)
        demo_wishes_seed(fiscal_year=current_fiscal_year() + 1, rng=random.Random(seed + 2))
    return demo_logins()


@transaction.atomic
def _region_seed(rng: random.Random) -> None:
    """The region and next year's matching season: experts, vendors, procurements, needs, logins, consents."""
    fiscal_year = current_fiscal_year() + 1
    home = Prefecture.objects.get(code=DEMO_PREFECTURE)
    coordinator = User.objects.create_user("demo-coordinator", password=DEMO_PASSWORD,
                                           role=UserRole.COORDINATOR, prefecture=home)
    vendors = [vendor_create(actor=coordinator, data={"name": n, "corporate_number": _corporate_number(rng)})
               for n in VENDORS]
    experts = _seed_experts(rng, coordinator, vendors)
    municipalities = list(Municipality.objects.filter(prefecture_id__in=[DEMO_PREFECTURE, *NEIGHBOURS]))
    chosen = rng.sample(municipalities, round(len(municipalities) * NEED_SHARE))
    nagano_city = Municipality.objects.get(code="202011")
    if nagano_city not in chosen:
        chosen[0] = nagano_city
    for municipality in sorted(chosen, key=lambda m: m.code):
        _seed_municipality(rng, municipality, vendors, fiscal_year)
    User.objects.create_user("demo-municipal", password=DEMO_PASSWORD, role=UserRole.MUNICIPAL,
                             municipality=nagano_city)
    User.objects.create_user("demo-expert", password=DEMO_PASSWORD, role=UserRole.EXPERT, expert=experts[0])
    for code in NEIGHBOURS:
        neighbour = User.objects.create_user(f"demo-coordinator-{code}", password=DEMO_PASSWORD,
                                             role=UserRole.COORDINATOR, prefecture_id=code)
        # The neighbours agreed that 長野県 may match their municipalities in joint runs this year.
        scope_consent_grant(actor=neighbour, grantee=home, fiscal_year=fiscal_year,
                            note="デモ: 近隣県との広域連携")


def _seed_experts(rng: random.Random, coordinator: User, vendors: list[Vendor]) -> list[Expert]:
    experts = []
    staff = {p: User(role=UserRole.COORDINATOR, prefecture_id=p) for p in [DEMO_PREFECTURE, *NEIGHBOURS]}
    # Every expert lives somewhere, so on-site travel (費用弁償) is counted (issue 21: every demo proposal said 0円).
    # Cities of the expert's prefecture, chosen by index: the seeded draws below stay as they were.
    cities = {p: list(Municipality.objects.filter(prefecture_id=p, name__endswith="市").order_by("code")
                      .values_list("code", flat=True)) for p in staff}
    for index in range(EXPERT_COUNT):
        home_code = DEMO_PREFECTURE if index < 36 else NEIGHBOURS[index % 2]
        actor = coordinator if home_code == DEMO_PREFECTURE else staff[home_code]
        serves = [home_code] + [p for p in [DEMO_PREFECTURE, *NEIGHBOURS] if p != home_code and rng.random() < 0.3]
        weekdays = sorted(rng.sample(WEEKDAYS, rng.choice([2, 3, 3, 4, 5])), key=WEEKDAYS.index)
        affiliations = []
        draw = rng.random()
        if draw < 0.45:
            affiliations.append({"vendor": rng.choice(vendors), "relation": AffiliationRelation.EMPLOYEE})
        elif draw < 0.60:
            affiliations.append({"vendor": rng.choice(vendors), "relation": AffiliationRelation.SIDE_JOB})
        if rng.random() < 0.2:
            former = rng.choice([v for v in vendors if all(a["vendor"] != v for a in affiliations)])
            affiliations.append({"vendor": former, "relation": AffiliationRelation.FORMER_EMPLOYEE,
                                 "ended_on": f"{rng.choice([2022, 2024, 2025, 2026])}-{rng.randint(1, 12):02d}-28"})
        data = {
            "name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}",
            "email": f"expert{index + 1:03d}@example.jp",
            "registering_prefecture": Prefecture(code=home_code) if actor is not coordinator else None,
            "serves_prefectures": [Prefecture(code=p) for p in serves],
            "onsite_prefectures": [Prefecture(code=p) for p in serves if rng.random() < 0.7],
            "capacity_days": rng.choice([48, 72, 96, 96, 144, 192]),
            "weekdays": weekdays,
            "max_engagements": rng.choice([2, 3, 3, 4, 5]),
            "daily_rate": _daily_rate(rng),
            "home_municipality": Municipality(code=cities[home_code][index * 7 % len(cities[home_code])]),
            "employment_forms": rng.sample(EmploymentForm.values, rng.randint(1, 3)),
            "pool_pledge_signed_on": dt.date(2026, 4, 1) if rng.random() < 0.6 else None,
            "skills": _skills(rng, rng.randint(2, 5)),
            "affiliations": affiliations,
        }
        data = {k: v for k, v in data.items() if v is not None}
        experts.append(expert_create(actor=actor, data=data))
    return experts


def _seed_municipality(rng, municipality, vendors, fiscal_year) -> None:
    staff = User(role=UserRole.MUNICIPAL, municipality=municipality)
    for _ in range(rng.choice([1, 1, 2])):
        category = rng.choice(ProcurementCategory.values)
        ongoing = rng.random() < 0.65
        procurement_create(actor=staff, data={
            "title": PROCUREMENT_TITLES[category],
            "category": category,
            "status": ProcurementStatus.ONGOING if ongoing else ProcurementStatus.PLANNED,
            "incumbent_vendor": rng.choice(vendors) if ongoing or rng.random() < 0.3 else None,
            "fiscal_year": fiscal_year - (1 if ongoing else 0),
        })
    weight, pattern, days = rng.choices(SURVEY_PATTERNS, weights=[p[0] for p in SURVEY_PATTERNS])[0]
    if pattern == WorkPattern.WEEKLY and days == 2 and rng.random() < 0.3:
        days = 3
    per_year = {"weekly": 48 * days, "monthly": 12 * days, "yearly": days}[pattern]
    role = rng.choices(Role.values, weights=[5, 2, 3, 1])[0]
    required = _skills(rng, rng.randint(1, 2), low=1)
    required = {k: min(v, 2) for k, v in required.items()}
    desired = {k: v for k, v in _skills(rng, 2).items() if k not in required}
    budget = int(per_year * rng.choice([45_000, 60_000, 75_000, 90_000, 120_000]))
    offer = {}
    if rng.random() < 0.4:
        # A municipality that sets its own 報酬: the survey's range, 100万 to 700万円 a year, in 10万円 steps.
        fee = rng.randrange(1_000_000, 7_000_001, 100_000)
        offer = {"fee_basis": "annual", "fee_amount": fee}
        budget = max(budget, fee + 200_000)  # room for travel (費用弁償)
    need_submit(actor=staff, data={
        **offer,
        "fiscal_year": fiscal_year,
        "role": role,
        "title": f"{municipality.name} {dict(Role.choices)[role]}",
        "pattern": pattern,
        "pattern_days": days,
        "weekdays": sorted(rng.sample(WEEKDAYS, min(5, max(days, rng.choice([3, 4, 5])))), key=WEEKDAYS.index),
        "onsite_required": rng.random() < 0.5,
        "budget": budget,
        "required_skills": required,
        "desired_skills": desired,
        "employment_forms": rng.sample(EmploymentForm.values, rng.randint(1, 3)),
        "priority": rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 3, 2])[0],
    })
