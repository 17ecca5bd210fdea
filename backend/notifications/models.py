"""In-app notifications (お知らせ) and each user's choice of which kinds also come by e-mail.

A notification is rendered once, in the recipient's language, when it is made; its kind and parameters are
kept so that it can be rendered again. This app knows users only: the engagement and run services call
`notify` and pass plain parameters (names, numbers), so nothing here imports them.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    OFFER_AWAITING = "offer_awaiting", _("回答待ちの打診")
    OFFER_ACCEPTED = "offer_accepted", _("打診の承諾")
    OFFER_DECLINED = "offer_declined", _("打診の辞退")
    ENGAGEMENT_ACTIVE = "engagement_active", _("任用の開始")
    REPLACEMENT_REQUESTED = "replacement_requested", _("要員交代の依頼")
    ENGAGEMENT_REPLACED = "engagement_replaced", _("要員交代による任用の終了")
    RUN_FINISHED = "run_finished", _("マッチングの完了")
    RUN_FAILED = "run_failed", _("マッチングの失敗")
    PLEDGE_TO_SIGN = "pledge_to_sign", _("誓約書への署名")
    ENGAGEMENT_CONFLICT = "engagement_conflict", _("任用後に生じた利益相反")
    # Sent by the invitations and expert applications (backend/accounts); their texts live in texts.py too.
    INVITATION = "invitation", _("招待")
    APPLICATION_OUTCOME = "application_outcome", _("登録申請の結果")
    # Sent by backend/procurement when a coordinator merges two entries of the vendor register.
    VENDOR_MERGED = "vendor_merged", _("事業者の統合")
    # For coordinators: what waits for their decision (issue 21: nothing told them).
    APPLICATION_RECEIVED = "application_received", _("登録申請の受付")
    AFFILIATION_CHANGE_REQUESTED = "affiliation_change_requested", _("所属の変更申請")
    # The working year (issue 23): an engagement ended mid-year, an evaluation submitted.
    ENGAGEMENT_ENDED_EARLY = "engagement_ended_early", _("任用の途中終了")
    EVALUATION_SUBMITTED = "evaluation_submitted", _("評価の提出")
    # Sent by backend/visits when one side moves a planned visit: the other side is told.
    VISIT_MOVED = "visit_moved", _("訪問日の変更")
    # The monthly confirmation of an activity log (backend/worklog, issue 23).
    WORK_MONTH_SUBMITTED = "work_month_submitted", _("活動記録の提出")
    WORK_MONTH_DISPUTED = "work_month_disputed", _("活動記録の差戻し")
    WORK_MONTH_ANSWERED = "work_month_answered", _("差戻しへの回答")
    WORK_MONTH_CONFIRMED = "work_month_confirmed", _("活動記録の確認")
    WORK_MONTH_REMINDER = "work_month_reminder", _("月次確認の期限")
    # Both sides have a say (issue 25): offers' deadlines, the second round, vetoes the coordinator should see.
    OFFER_DEADLINE_NEAR = "offer_deadline_near", _("回答期限が近い打診")
    OFFER_LAPSED = "offer_lapsed", _("回答期限切れによる失効")
    ROUND_PUBLISHED = "round_published", _("二次調整の公開")
    VETO_RECORDED = "veto_recorded", _("不可の登録")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("種類"), max_length=32, choices=NotificationKind.choices)
    params = models.JSONField(default=dict)
    language = models.CharField(max_length=8)  # the language subject and text were rendered in
    subject = models.CharField(_("件名"), max_length=200)
    text = models.CharField(_("内容"), max_length=500)
    # Where the recipient acts: a path of this site (the e-mail makes it absolute).
    link = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("お知らせ")
        verbose_name_plural = _("お知らせ")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list"),
            # The recount of a user's unread notifications reads this small index only.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]
        constraints = [models.CheckConstraint(condition=Q(link__startswith="/"), name="notification_link_is_local")]

    def __str__(self) -> str:
        return f"notification #{self.pk} {self.kind} to user {self.recipient_id}"


class EmailPreference(models.Model):
    """The kinds a user does not want by e-mail; no row means every kind is mailed."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_email_preference")
    muted_kinds = ArrayField(models.CharField(max_length=32, choices=NotificationKind.choices), default=list,
                             blank=True, verbose_name=_("メールで受け取らない種類"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("お知らせのメール設定")
        verbose_name_plural = _("お知らせのメール設定")

    def __str__(self) -> str:
        return f"e-mail preference of user {self.user_id}"
