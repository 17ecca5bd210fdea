"""The one way services write audit rows, and the hash chain that shows none was changed or removed since.

Each row's hash is SHA-256 over its canonical content (`audit_canonical`) and the previous row's hash, so
altering, removing or reordering a row breaks every later link; `manage.py verify_audit` walks the chain. Rows
are chained in id order under one transaction-level advisory lock, held until the writing transaction ends:
the next writer reads the last committed hash. Services write their audit rows after taking their row locks
(docs/architecture.md, lock order), so the chain lock is the last lock any transaction waits for.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from backend.core.models import AuditLog


class AuditAction(models.TextChoices):
    """Every action an audit row can record, with the words the audit log page shows."""

    NEED_SUBMIT = "need.submit", pgettext_lazy("audit action", "ニーズの登録")
    NEED_UPDATE = "need.update", pgettext_lazy("audit action", "ニーズの変更")
    NEED_WITHDRAW = "need.withdraw", pgettext_lazy("audit action", "ニーズの取り下げ")
    NEED_REOPEN = "need.reopen", pgettext_lazy("audit action", "ニーズの再開")
    NEED_FILL = "need.fill", pgettext_lazy("audit action", "ニーズの充足")
    NEED_RELEASE = "need.release", pgettext_lazy("audit action", "ニーズの再募集（任用の辞退・終了）")
    NEED_ADJUST_PRIORITY = "need.adjust_priority", pgettext_lazy("audit action", "優先度の調整")
    NEED_RENEWAL_PREPARE = "need.renewal_prepare", pgettext_lazy("audit action", "継続ニーズの作成")
    NEED_RENEWAL_CONFIRM = "need.renewal_confirm", pgettext_lazy("audit action", "継続ニーズの確認")
    NEED_RENEWAL_DROP = "need.renewal_drop", pgettext_lazy("audit action", "継続ニーズの取りやめ")
    EXPERT_CREATE = "expert.create", pgettext_lazy("audit action", "専門人材の登録")
    EXPERT_UPDATE = "expert.update", pgettext_lazy("audit action", "専門人材の変更")
    EXPERT_DEACTIVATE = "expert.deactivate", pgettext_lazy("audit action", "専門人材の登録停止")
    EXPERT_SIGN_PLEDGE = "expert.sign_pledge", pgettext_lazy("audit action", "秘密保持誓約の署名（専門人材）")
    AFFILIATION_REQUEST = "affiliation.request", pgettext_lazy("audit action", "所属の変更申請")
    AFFILIATION_ACCEPT = "affiliation.accept", pgettext_lazy("audit action", "所属の変更申請の承認")
    AFFILIATION_DECLINE = "affiliation.decline", pgettext_lazy("audit action", "所属の変更申請の却下")
    AFFILIATION_CHANGE = "affiliation.change", pgettext_lazy("audit action", "所属の変更")
    APPLICATION_SUBMIT = "application.submit", pgettext_lazy("audit action", "登録申請の受付")
    APPLICATION_ACCEPT = "application.accept", pgettext_lazy("audit action", "登録申請の承認")
    APPLICATION_DECLINE = "application.decline", pgettext_lazy("audit action", "登録申請の見送り")
    VENDOR_CREATE = "vendor.create", pgettext_lazy("audit action", "事業者の登録")
    VENDOR_UPDATE = "vendor.update", pgettext_lazy("audit action", "事業者の変更")
    VENDOR_MERGE = "vendor.merge", pgettext_lazy("audit action", "事業者の統合")
    VENDOR_RETIRE = "vendor.retire", pgettext_lazy("audit action", "事業者の廃止")
    VENDOR_DUPLICATE_DISMISS = "vendor.duplicate_dismiss", pgettext_lazy("audit action", "事業者の重複の疑いの解消（別の事業者）")
    PROCUREMENT_CREATE = "procurement.create", pgettext_lazy("audit action", "調達の登録")
    PROCUREMENT_UPDATE = "procurement.update", pgettext_lazy("audit action", "調達の変更")
    PROCUREMENT_DELETE = "procurement.delete", pgettext_lazy("audit action", "調達の削除")
    RUN_ENQUEUE = "run.enqueue", pgettext_lazy("audit action", "マッチングの開始")
    RUN_START = "run.start", pgettext_lazy("audit action", "マッチングの実行開始")
    RUN_CANCEL = "run.cancel", pgettext_lazy("audit action", "マッチングの中止")
    RUN_STALE = "run.stale", pgettext_lazy("audit action", "応答のないマッチングの打ち切り")
    RUN_REQUEUE = "run.requeue", pgettext_lazy("audit action", "応答のないマッチングの自動再試行")
    RUN_SUCCEEDED = "run.succeeded", pgettext_lazy("audit action", "マッチングの完了")
    RUN_INFEASIBLE = "run.infeasible", pgettext_lazy("audit action", "マッチングの実行不能")
    RUN_FAILED = "run.failed", pgettext_lazy("audit action", "マッチングの失敗")
    RUN_CANCELLED = "run.cancelled", pgettext_lazy("audit action", "マッチングの中止（完了時）")
    DECISION_SET = "decision.set", pgettext_lazy("audit action", "固定・除外の指定")
    PROPOSAL_APPROVE = "proposal.approve", pgettext_lazy("audit action", "提案の承認")
    PROPOSAL_SUPERSEDE = "proposal.supersede", pgettext_lazy("audit action", "提案の置換（再実行）")
    ENGAGEMENT_ACCEPT = "engagement.accept", pgettext_lazy("audit action", "任用・委託の承諾")
    ENGAGEMENT_DECLINE = "engagement.decline", pgettext_lazy("audit action", "任用・委託の辞退")
    ENGAGEMENT_ACTIVATE = "engagement.activate", pgettext_lazy("audit action", "任用・委託の開始（稼働中）")
    ENGAGEMENT_WITHDRAW = "engagement.withdraw", pgettext_lazy("audit action", "任用・委託の申し出の撤回")
    ENGAGEMENT_END = "engagement.end", pgettext_lazy("audit action", "任用・委託の終了")
    ENGAGEMENT_CANCEL = "engagement.cancel", pgettext_lazy("audit action", "任用・委託の開始前の取消（要員交代）")
    ENGAGEMENT_SIGN_PLEDGE = "engagement.sign_pledge", pgettext_lazy("audit action", "秘密保持誓約の署名")
    GOALS_SET = "goals.set", pgettext_lazy("audit action", "任用・委託の目標の設定")
    EVALUATION_SUBMIT = "evaluation.submit", pgettext_lazy("audit action", "評価の提出")
    COI_OVERRIDE_CREATE = "coi_override.create", pgettext_lazy("audit action", "利益相反の例外の記録")
    COI_OVERRIDE_LAPSE = "coi_override.lapse", pgettext_lazy("audit action", "利益相反の例外の失効")
    COI_OVERRIDE_REVOKE = "coi_override.revoke", pgettext_lazy("audit action", "利益相反の例外の取消")
    ENGAGEMENT_CONFLICT_RECORD = "engagement_conflict.record", pgettext_lazy("audit action", "任用後に生じた利益相反の記録")
    ENGAGEMENT_CONFLICT_EXCEPT = "engagement_conflict.except", pgettext_lazy("audit action", "任用後に生じた利益相反の例外による解消")
    ENGAGEMENT_CONFLICT_END = "engagement_conflict.end", pgettext_lazy("audit action", "任用後に生じた利益相反の任用終了による解消")
    REPLACEMENT_REQUEST = "replacement.request", pgettext_lazy("audit action", "要員交代の依頼")
    REPLACEMENT_COMPLETE = "replacement.complete", pgettext_lazy("audit action", "要員交代の完了")
    REPLACEMENT_CLOSE = "replacement.close", pgettext_lazy("audit action", "要員交代の取下げ（任用の終了）")
    RESTRICTION_RECORD = "restriction.record", pgettext_lazy("audit action", "入札参加制限の記録")
    RESTRICTION_END = "restriction.end", pgettext_lazy("audit action", "入札参加制限の終了")
    RESTRICTION_CANCEL = "restriction.cancel", pgettext_lazy("audit action", "入札参加制限の取消（任用の開始前）")
    PREFECTURE_SETTING_UPDATE = "prefecture_setting.update", pgettext_lazy("audit action", "都道府県の設定の変更")
    FUNDING_SCHEME_CREATE = "funding_scheme.create", pgettext_lazy("audit action", "財源の追加")
    FUNDING_SCHEME_UPDATE = "funding_scheme.update", pgettext_lazy("audit action", "財源の変更")
    ENGAGEMENT_FUNDING_SET = "engagement.funding_set", pgettext_lazy("audit action", "任用・委託の財源の指定")
    RECRUITMENT_COST_ADD = "recruitment_cost.add", pgettext_lazy("audit action", "募集経費の記録")
    RECRUITMENT_COST_REMOVE = "recruitment_cost.remove", pgettext_lazy("audit action", "募集経費の削除")
    CLOSED_DAY_CREATE = "closed_day.create", pgettext_lazy("audit action", "閉庁日の追加")
    CLOSED_DAY_DELETE = "closed_day.delete", pgettext_lazy("audit action", "閉庁日の削除")
    VISITS_PLAN = "visits.plan", pgettext_lazy("audit action", "訪問予定の作成")
    VISITS_CANCEL = "visits.cancel", pgettext_lazy("audit action", "訪問予定の取消（任用の終了）")
    VISIT_MOVE = "visit.move", pgettext_lazy("audit action", "訪問日の変更")
    CALENDAR_FEED_RENEW = "calendar_feed.renew", pgettext_lazy("audit action", "カレンダー配信URLの再発行")
    WORK_DAY_LOG = "work_day.log", pgettext_lazy("audit action", "活動記録の登録")
    WORK_DAY_UPDATE = "work_day.update", pgettext_lazy("audit action", "活動記録の変更")
    WORK_DAY_REMOVE = "work_day.remove", pgettext_lazy("audit action", "活動記録の削除")
    WORK_DAY_AGREE = "work_day.agree", pgettext_lazy("audit action", "契約日数を超える活動日の同意")
    WORK_DAY_ADJUST = "work_day.adjust", pgettext_lazy("audit action", "確認後の活動記録の修正")
    WORK_MONTH_SUBMIT = "work_month.submit", pgettext_lazy("audit action", "月次の活動記録の提出")
    WORK_MONTH_CONFIRM = "work_month.confirm", pgettext_lazy("audit action", "月次の活動記録の確認")
    WORK_MONTH_DISPUTE = "work_month.dispute", pgettext_lazy("audit action", "月次の活動記録の差戻し")
    WORK_MONTH_ANSWER = "work_month.answer", pgettext_lazy("audit action", "差戻しへの回答")
    WORK_MONTH_CONFIRM_ON_PAPER = "work_month.confirm_on_paper", pgettext_lazy("audit action", "書面による月次確認の記録")
    SCOPE_CONSENT_GRANT = "scope_consent.grant", pgettext_lazy("audit action", "広域連携の同意")
    SCOPE_CONSENT_REVOKE = "scope_consent.revoke", pgettext_lazy("audit action", "広域連携の同意の撤回")
    NOTIFICATION_EMAIL_PREFERENCE = "notification.email_preference", pgettext_lazy("audit action", "お知らせのメール設定")
    INVITATION_SEND = "invitation.send", pgettext_lazy("audit action", "招待の送信")
    INVITATION_RESEND = "invitation.resend", pgettext_lazy("audit action", "招待の再送")
    INVITATION_REVOKE = "invitation.revoke", pgettext_lazy("audit action", "招待の取り消し")
    INVITATION_USE = "invitation.use", pgettext_lazy("audit action", "招待によるパスワード設定")
    USER_CREATE_COORDINATOR = "user.create_coordinator", pgettext_lazy("audit action", "コーディネーターの作成")
    USER_CREATE = "user.create", pgettext_lazy("audit action", "利用者の作成（管理画面）")
    USER_DEACTIVATE = "user.deactivate", pgettext_lazy("audit action", "アカウントの停止")
    USER_REACTIVATE = "user.reactivate", pgettext_lazy("audit action", "アカウントの再開")
    USER_UNLOCK = "user.unlock", pgettext_lazy("audit action", "ログインのロック解除")
    USER_PASSWORD_RESET_REQUEST = "user.password_reset_request", pgettext_lazy("audit action", "パスワード再設定の依頼")
    USER_PASSWORD_RESET = "user.password_reset", pgettext_lazy("audit action", "パスワードの再設定")
    USER_PASSWORD_CHANGE = "user.password_change", pgettext_lazy("audit action", "パスワードの変更")
    USER_CONTACT_UPDATE = "user.contact_update", pgettext_lazy("audit action", "連絡先（メールアドレス・電話番号）の変更")
    # the public yearly page (issue 24, item 7)
    PUBLIC_YEAR_PUBLISH = "public_year.publish", pgettext_lazy("audit action", "年度の公開")
    PUBLIC_YEAR_UNPUBLISH = "public_year.unpublish", pgettext_lazy("audit action", "年度の公開の停止")
    # both sides have a say (issue 25)
    WISH_SET = "wish.set", pgettext_lazy("audit action", "希望の登録")
    WISH_CLEAR = "wish.clear", pgettext_lazy("audit action", "希望の取消")
    VETO_ADD = "veto.add", pgettext_lazy("audit action", "不可の登録")
    VETO_WITHDRAW = "veto.withdraw", pgettext_lazy("audit action", "不可の取下げ")
    ROUND_PUBLISH = "round.publish", pgettext_lazy("audit action", "二次調整の公開")
    ROUND_CLOSE = "round.close", pgettext_lazy("audit action", "二次調整の締切")
    ENGAGEMENT_LAPSE = "engagement.lapse", pgettext_lazy("audit action", "回答期限切れによる申し出の失効")
    ENGAGEMENT_DEADLINE_SET = "engagement.deadline_set", pgettext_lazy("audit action", "回答期限の変更")
    # an import too big for one request runs in the worker (issue 26)
    IMPORT_JOB_ENQUEUE = "import_job.enqueue", pgettext_lazy("audit action", "一括登録の受付")
    IMPORT_JOB_START = "import_job.start", pgettext_lazy("audit action", "一括登録の開始")
    IMPORT_JOB_SUCCEED = "import_job.succeed", pgettext_lazy("audit action", "一括登録の完了")
    IMPORT_JOB_FAIL = "import_job.fail", pgettext_lazy("audit action", "一括登録の中止（誤りのため登録せず）")
    COMMITMENT_SET = "commitment.set", pgettext_lazy("audit action", "他の業務の申告")
    COMMITMENT_REMOVE = "commitment.remove", pgettext_lazy("audit action", "他の業務の申告の削除")


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder)) if value is not None else None


def _code(prefecture) -> str:
    return prefecture if isinstance(prefecture, str) else prefecture.pk


GENESIS_HASH = "0" * 64
# pg_advisory_xact_lock key of the chain: the first 8 bytes of sha256("kenmu.audit_chain"), as a signed bigint.
CHAIN_LOCK = int.from_bytes(hashlib.sha256(b"kenmu.audit_chain").digest()[:8], "big", signed=True)


def audit_canonical(*, at: dt.datetime, actor_id: int | None, prefecture_id: str | None, scope: list[str],
                    action: str, object_type: str, object_id: str, before, after, prev_hash: str) -> bytes:
    """The bytes a row's hash covers: every stored field but id and hash, as sorted, compact UTF-8 JSON."""
    content = {
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"), "actor": actor_id,
        "prefecture": prefecture_id, "scope": list(scope), "action": str(action), "object_type": object_type,
        "object_id": object_id, "before": before, "after": after, "prev_hash": prev_hash,
    }
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def audit_hash(row: AuditLog, *, prev_hash: str | None = None) -> str:
    """What `row.hash` must be, given the previous row's hash (the row's own `prev_hash` by default)."""
    return hashlib.sha256(audit_canonical(
        at=row.at, actor_id=row.actor_id, prefecture_id=row.prefecture_id, scope=row.scope, action=row.action,
        object_type=row.object_type, object_id=row.object_id, before=row.before, after=row.after,
        prev_hash=row.prev_hash if prev_hash is None else prev_hash)).hexdigest()


def audit_record(*, actor, action: AuditAction, obj, prefecture=None, also_visible_to: Iterable = (),
                 before: dict | None = None, after: dict | None = None) -> AuditLog:
    """One audit row, chained to the last one. `prefecture` is where the change happened; coordinators of it
    and of every prefecture in `also_visible_to` (Prefecture objects or codes) may read the row."""
    if not isinstance(action, AuditAction):
        raise TypeError(f"audit_record takes an AuditAction member, not {action!r}")
    scope = {_code(p) for p in [prefecture, *also_visible_to] if p}
    row = AuditLog(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        prefecture_id=_code(prefecture) if prefecture else None,
        scope=sorted(scope),
        action=action.value,
        object_type=type(obj).__name__,
        object_id=str(obj.pk),
        before=_plain(before),
        after=_plain(after),
    )
    deferred = _deferred.get()
    if deferred is not None:  # chained and written together when audit_deferred() ends
        deferred.append(row)
        return row
    with transaction.atomic():  # the lock lasts until the outermost transaction ends
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        last = AuditLog.objects.order_by("-id").values_list("hash", flat=True).first()
        row.prev_hash = last or GENESIS_HASH
        row.hash = audit_hash(row)
        row.save(force_insert=True)
    return row


_deferred: ContextVar[list[AuditLog] | None] = ContextVar("audit_deferred", default=None)


@contextmanager
def audit_deferred():
    """Within a transaction that writes many rows (an import), collect the audit rows `audit_record` makes and
    chain and insert them together when the block ends: one chain lock, one read of the last hash and one
    INSERT per 500 rows instead of a savepoint, a lock, a read and an INSERT per row. Each row is the row
    `audit_record` would have written — same content, same `at`, in the order recorded — and the chain lock is
    taken last, after every row lock of the block. The rows get their ids from the table's sequence under the
    chain lock, in the order recorded, so the chain runs in id order as `verify_audit` walks it. A row returned
    inside the block has no id yet. Nothing is written if the block raises (its transaction is undone anyway); use
    it only where any failure fails the whole block, since a row recorded inside a savepoint that is rolled back
    while the block goes on would still be written."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("audit_deferred() needs the transaction its rows belong to")
    if _deferred.get() is not None:  # already collecting: the outer block writes them
        yield
        return
    rows: list[AuditLog] = []
    token = _deferred.set(rows)
    try:
        yield
    finally:
        _deferred.reset(token)
    _write_chained(rows)


def _write_chained(rows: list[AuditLog]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [AuditLog._meta.db_table, len(rows)])
        ids = sorted(pk for (pk,) in cursor.fetchall())
    previous = AuditLog.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    for pk, row in zip(ids, rows, strict=True):
        row.pk, row.prev_hash = pk, previous
        row.hash = previous = audit_hash(row)
    AuditLog.objects.bulk_create(rows, batch_size=500)
