"""What the no-5xx sweeps share (tests/backend/api/test_no_5xx_sweep.py, tests/frontend/test_no_5xx_sweep.py):
a small world with one of every kind of row a write can name, the values a careless or hostile client sends,
one request per example inside a savepoint that is rolled back (every example starts from the same world),
and a fingerprint of every stored row to show that a refusal changed nothing.

It never decides what a good answer is beyond "not a 5xx" and "a refusal stored nothing": the behaviour of each
write has its own tests."""

import datetime as dt
import traceback
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from backend.core.validators import corporate_number_check_digit
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
    VendorFactory,
)

# Few examples per write, the same on every run: the whole sweep stays within a few minutes on two cores.
SWEEP = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                        HealthCheck.filter_too_much, HealthCheck.data_too_large])

# Tables a refusal may write by design: the session of a sign-in, rate-limit windows and lock-out attempts.
UNFINGERPRINTED = {"django_session", "core_ratelimitwindow", "axes_accessattempt", "axes_accessfailurelog",
                   "axes_accesslog"}

# Out-of-range numbers are written into the JSON text as they are, where json.dumps cannot (1e999 is inf to
# Python's parser; NaN and Infinity are not JSON, DRF's parser refuses them).
RAW_NUMBERS = {"__1e999__": "1e999", "__-1e999__": "-1e999", "__NaN__": "NaN", "__Infinity__": "Infinity"}

TEXT = st.sampled_from([
    "", " ", "0", "-1", "1", "240.5", "1,200", "１２００", "1e308", "-1e308", "inf", "-inf", "nan", "Infinity",
    "9" * 40, "-" + "9" * 40, "2027-02-30", "2027-04-01", "0000-00-00", "9999-12-31", "true", "null", "[]", "{}",
    "x" * 300, "あ" * 5000, "x" * 100_001, "a\x00b", "\x00", "\x1b[31m", "\u202e逆", "🙂" * 200, "<script>",
    "'; DROP TABLE needs; --", "%s%n", "../../etc/passwd", "ｶﾀｶﾅ", "𠮷野家", "\u3000",
    "mon", "security", "employee", "annual", "20", "202011", "contract", "special_part_time", "²", "١٢", "1e999",
    "-0", "+1", " 12 ", "0x1F", "1_000", "12.", ".5",
])
NUMBERS = st.sampled_from([
    0, -1, 1, 2, 3, 5, 48, 240.5, 1e308, -1e308, 2**31, 2**63, -(2**63), 10**30, 32_768, 65_536, 2_400_000,
    "__1e999__", "__-1e999__", "__NaN__", "__Infinity__", 2027, 2099, 1900, 0.1,
])
SHAPES = st.sampled_from([None, True, False, [], {}, [1, 2], ["mon", "mon"], {"a": 1}, {"security": 9},
                          [{"vendor": None}], [[[]]], {"": ""}, list(range(2_000)), {"x": {"y": {"z": [1]}}}])
ANY_VALUE = st.one_of(TEXT, NUMBERS, SHAPES)


def corporate_number(body: str) -> str:
    """The 13-digit 法人番号 whose check digit (the first) fits the 12 digits given."""
    return corporate_number_check_digit(body) + body


@dataclass
class World:
    coordinator: object
    municipal: object
    expert_user: object
    expert: object
    vendor: object
    procurement: object
    need: object
    renewal_need: object
    run: object
    proposal: object
    offered: object
    active: object
    override: object
    replacement: object
    change: object
    application: object
    invitation: object
    consent: object
    notification: object
    other_user: object
    duplicate: object
    conflict: object
    closed_day: object
    visit: object
    feed: object
    work_month: object
    work_day: object
    funding_scheme: object
    recruitment_cost: object
    token_key: str
    veto: object = None  # a municipality's 不可 (issue 25)
    # the second round and a commitment elsewhere (issue 25, items 5 and 8)
    round: object = None
    commitment: object = None
    import_job: object = None  # an import the worker ended, with its errors (issue 26)


def world_build() -> World:
    """One of every row a write can name, in 長野県 (20) and 長野市 (202011), visible to the roles below."""
    from knox.models import AuthToken

    from backend.accounts.models import UserRole
    from backend.accounts.services import invitation_send, invited_user_create
    from backend.applications.services import expert_application_submit
    from backend.calendar.models import ClosedDay
    from backend.engagements.models import CoiOverride, Engagement, EngagementConflict, ReplacementRequest
    from backend.experts.models import AffiliationChange, ExternalCommitment
    from backend.funding.models import RecruitmentCost
    from backend.funding.selectors import schemes_of
    from backend.geo.models import Municipality, Prefecture
    from backend.notifications.models import Notification
    from backend.procurement.models import VendorDuplicate
    from backend.public.models import PublishedYear
    from backend.runs.models import ScopeConsent
    from backend.visits.models import CalendarFeed, PlannedVisit
    from backend.wishes.models import Round, Veto, Wish
    from backend.worklog.models import WorkDay, WorkMonth

    coordinator = CoordinatorFactory(prefecture_id="20", email="coordinator@example.jp")
    municipal = MunicipalStaffFactory(municipality_id="202011", email="clerk@example.jp")
    expert = ExpertFactory(registering_prefecture_id="20", email="expert@example.jp")
    expert_user = ExpertUserFactory(expert=expert, email="expert@example.jp")
    vendor = VendorFactory(corporate_number=corporate_number("010401089234"), prefecture_id="20")
    AffiliationFactory(expert=expert, vendor=vendor)
    procurement = ProcurementFactory(municipality_id="202011", incumbent_vendor=vendor)
    need = NeedFactory(municipality_id="202011")
    run = MatchRunFactory()
    proposal = ProposalFactory(run=run, need=need, expert=ExpertFactory(registering_prefecture_id="20"))
    now = timezone.now()
    override = CoiOverride.objects.create(expert=expert, municipality_id="202011", fiscal_year=2027, reason="唯一の候補")

    def engagement(status, **fields):
        return Engagement.objects.create(
            expert=expert, municipality_id="202011", need=NeedFactory(municipality_id="202011", status="filled"),
            fiscal_year=2027, starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31), weekdays=["mon"],
            days_per_year=48, fee=2_400_000, employment_form="special_part_time", status=status, **fields)

    offered = engagement("offered")
    active = engagement("active", municipality_accepted_at=now, expert_accepted_at=now, pledge_signed_at=now,
                        coi_override=override)
    renewal_need = NeedFactory(municipality_id="202011", fiscal_year=2028, status="renewal", renewed_from=active)
    replacement = ReplacementRequest.objects.create(engagement=active, reason="体調不良", requested_by=municipal)
    change = AffiliationChange.objects.create(expert=expert, kind="add", vendor=VendorFactory(), relation="side_job")
    application = expert_application_submit(prefecture=Prefecture.objects.get(code="20"), language="ja", data={
        "name": "応募 花子", "name_kana": "おうぼ はなこ", "email": "applicant@example.jp", "skills": {"security": 2},
        "capacity_days": 48, "weekdays": ["mon"], "daily_rate": 40_000, "employment_forms": ["contract"],
        "affiliations": []})
    invited = invited_user_create(actor=coordinator, email="invited@example.jp", role=UserRole.MUNICIPAL,
                                  municipality=Municipality.objects.get(code="202029"))
    invitation = invitation_send(actor=coordinator, user=invited, prefecture_code="20", send=False)
    consent = ScopeConsent.objects.create(grantor_id="20", grantee_id="19", fiscal_year=2027, granted_by=coordinator)
    notification = Notification.objects.create(recipient=expert_user, kind="offer_awaiting", link="/engagements/", params={},
                                               language="ja", subject="任用の打診", text="打診があります。")
    token_key = AuthToken.objects.create(user=coordinator)[0].token_key
    duplicate = VendorDuplicate.objects.create(first=vendor, second=VendorFactory(prefecture_id="20"), reason="name")
    closed_day = ClosedDay.objects.create(date=dt.date(2027, 6, 15), label="県民の日", prefecture_id="20",
                                          created_by=coordinator)
    conflict = EngagementConflict.objects.create(engagement=offered, vendor=vendor, procurement=procurement,
                                                 procurement_title=procurement.title, cause="procurement")
    visit = PlannedVisit.objects.create(engagement=active, expert=expert, date=dt.date(2027, 4, 5), onsite=True)
    feed = CalendarFeed.objects.create(user=coordinator)
    work_month = WorkMonth.objects.create(engagement=active, year=2027, month=4, deadline=dt.date(2027, 5, 12),
                                          reference="KM-2345", status="submitted", submitted_at=now)
    work_day = WorkDay.objects.create(month=work_month, date=dt.date(2027, 4, 5), onsite=True, hours=7, topics="研修",
                                      done="情報セキュリティ研修の講師", logged_by=expert_user)
    funding_scheme = schemes_of("20").get(kind="regional_adviser")
    recruitment_cost = RecruitmentCost.objects.create(municipality_id="202011", fiscal_year=2027, need=need,
                                                      kind="advertisement", amount=55_000,
                                                      spent_on=dt.date(2027, 5, 10), note="求人サイトへの掲載")
    # The public yearly page of 長野県 (issue 24, item 7): published, so the sweep opens it and its CSV.
    PublishedYear.objects.create(prefecture_id="20", fiscal_year=2027, published_at=now, published_by=coordinator)
    # Both sides have a say (issue 25): the clerk's 第一希望 for one expert, 不可 for another.
    Wish.objects.create(need=need, expert=expert, side="municipality", level=3, set_by=municipal)
    veto = Veto.objects.create(side="municipality", expert=proposal.expert, need=need, reason="面談で合わなかった",
                               created_by=municipal)
    # 長野県's open second round of 2027 with the open need, and the expert's commitment elsewhere (issue 25)
    second_round = Round.objects.create(prefecture_id="20", fiscal_year=2027, deadline=dt.date(2027, 6, 1),
                                        published_at=now, published_by=coordinator)
    second_round.needs.set([need])
    commitment = ExternalCommitment.objects.create(expert=expert, fiscal_year=2027, kind="employer", days_per_year=10,
                                                   weekdays=["fri"], note="本業")
    from backend.intake.models import ImportJob
    import_job = ImportJob.objects.create(
        kind="needs", file_name="ニーズ.xlsx", actor=coordinator, prefecture_id="20", status="failed", rows_total=600,
        rows_done=600, errors=[{"field": "budget", "code": "min_value", "ja": "年間予算(万円)は0以上で書いてください。",
                                "en": "Budget must be at least 0.", "row": 601, "column": "年間予算(万円)"}])
    return World(import_job=import_job, veto=veto, coordinator=coordinator, municipal=municipal, expert_user=expert_user, expert=expert, vendor=vendor,
                 procurement=procurement, need=need, renewal_need=renewal_need, run=run, proposal=proposal,
                 offered=offered, active=active, override=override, replacement=replacement, change=change,
                 application=application, invitation=invitation, consent=consent,
                 notification=notification, other_user=invited, token_key=token_key,
                 duplicate=duplicate, conflict=conflict, closed_day=closed_day, visit=visit, feed=feed,
                 work_month=work_month, work_day=work_day, funding_scheme=funding_scheme,
                 recruitment_cost=recruitment_cost, round=second_round, commitment=commitment)


def fingerprint() -> dict[str, str]:
    """Each table's rows as one digest (order-free), in one query: cheap on a test database of a few hundred rows."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [t for (t,) in cursor.fetchall() if t not in UNFINGERPRINTED]
        parts = [f"SELECT '{t}', md5(coalesce(string_agg(md5(r::text), '' ORDER BY md5(r::text)), '')) "
                 f'FROM "{t}" r' for t in tables]
        cursor.execute(" UNION ALL ".join(parts))
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


class _Rollback(Exception):
    pass


def in_savepoint(send):
    """Call send() inside a savepoint that is rolled back afterwards; returns (response or None, traceback text).

    The savepoint stands in for the test's own transaction, so the services' durable atomic blocks still open
    (Django lets a durable block nest only in a test case's atomic block, which this one marks itself as)."""
    outcome = {}
    block = transaction.atomic()
    block._from_testcase = True
    try:
        with block:
            try:
                outcome["response"] = send()
            except Exception:  # a 500: the test client re-raises the view's exception
                outcome["error"] = traceback.format_exc()
            if "error" not in outcome and outcome["response"].status_code < 500:
                outcome["stored"] = fingerprint()
            raise _Rollback
    except _Rollback:
        pass
    return outcome.get("response"), outcome.get("error", ""), outcome.get("stored")
