"""Match runs, their proposals, the coordinator's decisions (pins and forbids) and consents to joint runs.

A run stores the exact instance it solved and the exact result, so any proposal can be traced to
the data it was made from. The engagements approved from proposals belong to the engagements app, above this one
(a run names its replacement request by a string reference).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.choices import EmploymentForm, Weekday


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("実行中")
    SUCCEEDED = "succeeded", _("完了")
    INFEASIBLE = "infeasible", _("実行不能")
    FAILED = "failed", _("失敗")
    CANCELLED = "cancelled", _("中止")


# A run that still holds its scope (a second one is refused): queued or running, "live" rather than "active",
# which names an engagement that serves.
LIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunKind(models.TextChoices):
    FULL = "full", _("通常")
    REPLACEMENT = "replacement", _("要員交代")
    # 二次調整 (issue 25): the needs a round published after the main run, and what each expert has left.
    SECOND_ROUND = "second_round", _("二次調整")


class MatchRun(models.Model):
    prefecture = models.ForeignKey("geo.Prefecture", verbose_name=_("実行した都道府県"), on_delete=models.PROTECT,
                                   related_name="match_runs")
    scope = ArrayField(models.CharField(max_length=2), verbose_name=_("対象都道府県"))
    scope_key = models.CharField(max_length=200, editable=False)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("種別"), max_length=16, choices=RunKind.choices, default=RunKind.FULL)
    replacement = models.ForeignKey("engagements.ReplacementRequest", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="runs")
    # The second round this run matches (kind second_round), with its published needs.
    round = models.ForeignKey("wishes.Round", null=True, blank=True, on_delete=models.PROTECT, related_name="runs")
    params = models.JSONField(_("パラメータ"), default=dict)
    instance = models.JSONField(_("入力インスタンス"), null=True, blank=True)
    result = models.JSONField(_("結果"), null=True, blank=True)
    status = models.CharField(_("状況"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.JSONField(_("進捗"), default=dict)
    # Counts per prefecture of the scope, kept when the run ends, so that lists never load the result.
    summary = models.JSONField(_("概要"), default=dict)
    timings = models.JSONField(_("所要時間(秒)"), default=dict)
    # What the run's page and API show beyond the proposals (backend/runs/report.py), computed by the worker
    # when the run succeeds, so that no page view calls the engine. Null for runs that have none yet.
    report = models.JSONField(_("実行結果の説明"), null=True, blank=True)
    error = models.TextField(_("エラー"), blank=True)
    cancel_requested = models.BooleanField(default=False)
    task_id = models.CharField(max_length=64, blank=True)
    # How many times a worker has been given this run: 1 when queued, one more each time the stale sweep puts it
    # back in the queue after its worker died or lost the database (at most KENMU_RUN_MAX_ATTEMPTS).
    attempts = models.PositiveSmallIntegerField(_("試行回数"), default=1)
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("マッチング実行")
        verbose_name_plural = _("マッチング実行")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Refuses a second queued/running run for the same scope, even under concurrent requests.
            models.UniqueConstraint(fields=["scope_key"], condition=Q(status__in=["queued", "running"]),
                                    name="one_active_run_per_scope"),
        ]

    def __str__(self) -> str:
        return f"run #{self.pk} {','.join(self.scope)} {self.fiscal_year} {self.status}"


class ScopeConsentQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(revoked_at__isnull=True)


class ScopeConsent(models.Model):
    """A prefecture's recorded consent that a neighbour includes it in the neighbour's joint runs (広域連携).

    Granted by a coordinator of the `grantor` for one fiscal year; the `grantee`'s coordinators may then
    put the grantor in a run's scope. Each prefecture reads only its own part of such a run.
    """

    grantor = models.ForeignKey("geo.Prefecture", verbose_name=_("同意した都道府県"), on_delete=models.PROTECT,
                                related_name="consents_given")
    grantee = models.ForeignKey("geo.Prefecture", verbose_name=_("同意を受けた都道府県"), on_delete=models.PROTECT,
                                related_name="consents_received")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    note = models.TextField(_("備考"), blank=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(_("同意日時"), auto_now_add=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoked_at = models.DateTimeField(_("撤回日時"), null=True, blank=True)

    objects = ScopeConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("合同実行への同意")
        verbose_name_plural = _("合同実行への同意")
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["grantor", "grantee", "fiscal_year"], condition=Q(revoked_at__isnull=True),
                                    name="one_consent_in_force_per_pair_and_year"),
            models.CheckConstraint(condition=~Q(grantor=models.F("grantee")), name="consent_between_two_prefectures"),
        ]

    def __str__(self) -> str:
        return f"consent {self.grantor_id} -> {self.grantee_id} ({self.fiscal_year})"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("提案")
    APPROVED = "approved", _("承認済")
    SUPERSEDED = "superseded", _("再実行で置換")


class Proposal(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    need = models.ForeignKey("needs.Need", on_delete=models.PROTECT, related_name="proposals")
    expert = models.ForeignKey("experts.Expert", on_delete=models.PROTECT, related_name="proposals")
    weekdays = ArrayField(models.CharField(max_length=3, choices=Weekday.choices), default=list)
    days_per_year = models.PositiveSmallIntegerField()
    fee = models.PositiveIntegerField()
    travel_cost = models.PositiveIntegerField(default=0)
    employment_form = models.CharField(max_length=24, choices=EmploymentForm.choices, blank=True)
    flags = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)

    class Meta:
        ordering = ["run_id", "need_id"]
        constraints = [models.UniqueConstraint(fields=["run", "need"], name="one_proposal_per_need_per_run")]

    def __str__(self) -> str:
        return f"proposal #{self.pk}: expert {self.expert_id} → need {self.need_id}"

    @property
    def travel_uncounted(self) -> bool:
        """費用弁償 未算定: on-site days and an expert with no home; travel_cost then says 0 but is not known."""
        return self.expert.travel_uncounted(onsite_days=self.need.onsite_days)


class DecisionKind(models.TextChoices):
    PIN = "pin", _("固定")
    FORBID = "forbid", _("除外")


class PairDecision(models.Model):
    """A coordinator's pin or forbid of (expert, need), applied to every later run."""

    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="decisions")
    expert = models.ForeignKey("experts.Expert", on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=8, choices=DecisionKind.choices)
    # A decline is remembered as a forbid: which side declined the offer ("municipality" or "expert"),
    # and why if they said. Empty for the coordinator's own pins and forbids.
    declined_by = models.CharField(_("辞退した側"), max_length=16, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["need", "expert"], name="one_decision_per_pair"),
            models.CheckConstraint(condition=Q(declined_by="") | Q(kind="forbid"), name="a_decline_is_a_forbid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} expert {self.expert_id} / need {self.need_id}"
