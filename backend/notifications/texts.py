"""What each kind of notification says: a subject and one line, from the kind and its parameters.

Rendered in the current language (the callers switch to the recipient's); the parameters are plain values
the caller passed to `notify` and that the notification keeps, so a notification can be rendered again.
"""

import datetime as dt

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from backend.core.choices import RULES
from backend.core.fiscal import era_date, era_month, fiscal_year_label, wareki_datetime
from backend.notifications.models import NotificationKind


def _offer_awaiting(p: dict) -> tuple[str, str]:
    line = _("%(municipality)s「%(need)s」への%(expert)sさんの任用が承認されました。承諾するか辞退するかを回答してください。") % p
    if p.get("answer_by"):  # offers made since issue 25 have an answer deadline
        line += _("回答期限は%(answer_by)sです。") % {"answer_by": _day(p["answer_by"])}
    return _("任用の打診：%(municipality)s「%(need)s」") % p, line


def _offer_deadline_near(p: dict) -> tuple[str, str]:
    day = {**p, "answer_by": _day(p["answer_by"])}
    if p.get("changed"):  # the coordinator moved the deadline
        return (_("回答期限の変更：%(municipality)s「%(need)s」") % p,
                _("%(municipality)s「%(need)s」への%(expert)sさんの任用の打診の回答期限が%(answer_by)sに変更されました。") % day)
    return (_("回答期限が近づいています：%(municipality)s「%(need)s」") % p,
            _("%(municipality)s「%(need)s」への%(expert)sさんの任用の打診の回答期限は%(answer_by)sです。"
              "期限までに回答がないと打診は失効します。") % day)


def _offer_lapsed(p: dict) -> tuple[str, str]:
    day = {**p, "answer_by": _day(p["answer_by"])}
    subject = _("回答期限切れ：%(municipality)s「%(need)s」") % p
    if p.get("held_by"):  # a successor's offer: the engagement it was to replace still serves the need
        return subject, _("%(municipality)s「%(need)s」への%(expert)sさんの任用（後任）の打診は、回答期限（%(answer_by)s）までに"
                          "回答がなかったため失効しました。ニーズは引き続き%(held_by)sさんの任用で充足しています。") % day
    return subject, _("%(municipality)s「%(need)s」への%(expert)sさんの任用の打診は、回答期限（%(answer_by)s）までに"
                      "回答がなかったため失効しました。ニーズは募集中に戻りました。") % day


def _offer_accepted(p: dict) -> tuple[str, str]:
    return (_("打診が承諾されました：%(municipality)s「%(need)s」") % p,
            _("%(answered_by)sが%(municipality)s「%(need)s」への%(expert)sさんの任用の打診を承諾しました。") % p)


def _offer_declined(p: dict) -> tuple[str, str]:
    subject = _("打診が辞退されました：%(municipality)s「%(need)s」") % p
    if p.get("held_by"):  # a successor declined: the engagement it was to replace still serves the need
        return subject, _("%(answered_by)sが%(municipality)s「%(need)s」への%(expert)sさんの任用（後任）の打診を辞退しました。"
                          "ニーズは引き続き%(held_by)sさんの任用で充足しています。") % p
    return subject, _("%(answered_by)sが%(municipality)s「%(need)s」への%(expert)sさんの任用の打診を辞退しました。ニーズは募集中に戻りました。") % p


def _day(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return day.strftime("%-d %b %Y") if (get_language() or "ja").startswith("en") else era_date(day)


def _engagement_replaced(p: dict) -> tuple[str, str]:
    subject = _("要員交代：%(municipality)s「%(need)s」") % p
    if p["cancelled"]:
        return subject, _("%(municipality)s「%(need)s」の%(expert)sさんの任用は、開始前に%(successor)sさんへ交代したため、"
                          "取り消されました（開始していないため、報酬と入札参加制限は生じません）。") % p
    return subject, _("%(municipality)s「%(need)s」の%(expert)sさんの任用は、%(successor)sさんへの交代により"
                      "%(ends_on)sで終了しました。") % {**p, "ends_on": _day(p["ends_on"])}


def _engagement_active(p: dict) -> tuple[str, str]:
    return (_("任用が始まります：%(municipality)s「%(need)s」") % p,
            _("%(municipality)s「%(need)s」への%(expert)sさんの任用が双方に承諾され、稼働中になりました。") % p)


def _replacement_requested(p: dict) -> tuple[str, str]:
    return (_("要員交代の依頼：%(municipality)s") % p,
            _("%(municipality)sが%(expert)sさんの交代を依頼しました。理由：%(reason)s") % p)


def _run_named(p: dict) -> dict:
    """A run by its fiscal year and start, as its page names it (older notices kept only its number)."""
    if "fy" not in p:
        return {**p, "run_name": f"#{p['run']}"}
    english = (get_language() or "ja").startswith("en")
    year = f"FY{p['fy']}" if english else fiscal_year_label(p["fy"])
    started = dt.datetime.fromisoformat(p["started"])
    return {**p, "run_name": f"{year} {wareki_datetime(started, english=english)}"}


def _run_finished(p: dict) -> tuple[str, str]:
    p = _run_named(p)
    if p.get("infeasible"):
        return (_("マッチング（%(run_name)s）は実行できませんでした") % p,
                _("マッチング（%(run_name)s）は、固定した組み合わせを同時に満たせないため実行できませんでした（提案はありません）。"
                  "%(reasons)s 固定を解除して再実行してください。") % {**p, "reasons": pins_in_words(p.get("pins", []))})
    return (_("マッチング（%(run_name)s）が終わりました") % p,
            _("マッチング（%(run_name)s）が終わりました。提案は%(proposals)s件です。確認して承認してください。") % p)


def pin_in_words(pin: dict) -> str:
    """One pin that cannot hold, by the names of its expert and municipality and what the rule it breaks is
    about: 「山田 花子さん → 上田市「CIO補佐官」：利益相反」. `pin` holds names and the rule's number."""
    rule = RULES.get(pin.get("rule"))
    about = rule.word if rule else _("他の固定と両立しない")
    return _("%(expert)sさん → %(municipality)s「%(need)s」：%(about)s") % {**pin, "about": about}


def pins_in_words(pins: list[dict], *, shown: int = 3) -> str:
    words = [pin_in_words(p) for p in pins[:shown]]
    if len(pins) > shown:
        words.append(_("ほか%(n)s件") % {"n": len(pins) - shown})
    return "".join(_("%(pin)s。") % {"pin": w} for w in words)


def _run_failed(p: dict) -> tuple[str, str]:
    p = _run_named(p)
    return (_("マッチング（%(run_name)s）が失敗しました") % p,
            _("マッチング（%(run_name)s）が失敗しました。内容を確認して再実行してください。") % p)


def _pledge_to_sign(p: dict) -> tuple[str, str]:
    return (_("誓約書への署名のお願い：%(municipality)s") % p,
            _("%(municipality)s「%(need)s」の任用を始めるには、%(municipality)sへの情報漏洩防止の誓約書に署名してください。") % p)


def _engagement_conflict(p: dict) -> tuple[str, str]:
    return (_("利益相反の確認が必要です：%(municipality)s「%(need)s」") % p,
            _("%(expert)sさんが所属する%(vendor)sが、%(municipality)sの契約中の調達「%(procurement)s」の受託者になりました。"
              "%(municipality)s「%(need)s」の任用は、コーディネーターが例外として理由を記録するか任用を終了するまで、"
              "利益相反の確認待ちです。") % p)


def _invitation(p: dict) -> tuple[str, str]:
    return (_("kenmu への招待"), _("%(invited_by)sさんから kenmu への招待が届いています。") % p)


def _application_outcome(p: dict) -> tuple[str, str]:
    if p["accepted"]:
        return _("登録申請が承認されました"), _("専門人材としての登録申請が承認されました。") % p
    return _("登録申請の結果"), _("専門人材としての登録申請は承認されませんでした。") % p


def _vendor_merged(p: dict) -> tuple[str, str]:
    return (_("事業者の統合：%(survivor)s") % p,
            _("%(actor)sさんが事業者「%(absorbed)s」を「%(survivor)s」に統合しました（所属・受託・入札参加制限は統合先に"
              "移りました）。理由：%(reason)s") % p)
def _application_received(p: dict) -> tuple[str, str]:
    return (_("登録申請が届きました：%(name)sさん") % p,
            _("%(name)sさんから専門人材としての登録申請が届きました。内容を確認して、登録するか見送るかを決めてください。") % p)


def _affiliation_change_requested(p: dict) -> tuple[str, str]:
    return (_("所属の変更申請：%(expert)sさん") % p,
            _("%(expert)sさんから所属の変更申請（%(vendor)s）が届きました。確認して反映するか却下してください。") % p)


def _engagement_ended_early(p: dict) -> tuple[str, str]:
    return (_("任用の途中終了：%(municipality)s「%(need)s」") % p,
            _("%(municipality)s「%(need)s」の%(expert)sさんの任用は、%(ended_by)sの判断により%(ends_on)sで終了します。"
              "理由：%(reason)s") % {**p, "ends_on": _day(p["ends_on"])})


def _evaluation_submitted(p: dict) -> tuple[str, str]:
    return (_("評価が提出されました：%(municipality)s「%(need)s」") % p,
            _("%(municipality)s「%(need)s」の%(expert)sさんの任用について、%(by)sが%(period)sの評価（総合 %(overall)s/5）を"
              "提出しました。") % {**p, "period": {"october": _("中間"), "march": _("年度末")}.get(p["period"], p["period"])})


def _visit_moved(p: dict) -> tuple[str, str]:
    moved = {**p, "from": _day(p["from"]), "to": _day(p["to"])}
    text = _("%(moved_by)sさんが%(municipality)sへの%(expert)sさんの訪問日を%(from)sから%(to)sに変更しました。") % moved
    if p.get("reason"):
        text += _("理由：%(reason)s") % p
    return _("訪問日の変更：%(municipality)s %(to)s") % moved, text


def _work_month_named(p: dict) -> dict:
    """A month of an activity log by its engagement in words and its reference code (a clerk types the code into
    the search of the confirmation page: mail often loses its links)."""
    english = (get_language() or "ja").startswith("en")
    return {**p, "month_name": era_month(dt.date(p["year"], p["month"], 1), english=english)}


def _work_month_submitted(p: dict) -> tuple[str, str]:
    p = _work_month_named(p)
    return (_("活動記録の確認のお願い（%(reference)s）：%(expert)sさん %(month_name)s") % p,
            _("%(municipality)s「%(need)s」の%(expert)sさんから%(month_name)sの活動記録（%(days)s日）が提出されました。"
              "照会番号 %(reference)s を月次確認の画面で検索し、%(deadline)sまでに確認するか差し戻してください。")
            % {**p, "deadline": _day(p["deadline"])})


def _work_month_disputed(p: dict) -> tuple[str, str]:
    p = _work_month_named(p)
    return (_("活動記録が差し戻されました（%(reference)s）：%(month_name)s") % p,
            _("%(municipality)s「%(need)s」の%(month_name)sの活動記録（照会番号 %(reference)s）のうち%(days)s日が"
              "差し戻されました。理由を確認して回答してください。") % p)


def _work_month_answered(p: dict) -> tuple[str, str]:
    p = _work_month_named(p)
    return (_("差戻しへの回答（%(reference)s）：%(expert)sさん %(month_name)s") % p,
            _("%(municipality)s「%(need)s」の%(expert)sさんが%(month_name)sの活動記録の差戻しに回答しました。"
              "照会番号 %(reference)s を月次確認の画面で検索し、確認してください。") % p)


def _work_month_confirmed(p: dict) -> tuple[str, str]:
    p = _work_month_named(p)
    return (_("活動記録が確認されました（%(reference)s）：%(month_name)s") % p,
            _("%(municipality)s「%(need)s」の%(month_name)sの活動記録（照会番号 %(reference)s）が確認されました。"
              "この月の記録は確定しました。") % p)


def _work_month_reminder(p: dict) -> tuple[str, str]:
    p = _work_month_named(p)
    return (_("月次確認の期限が近づいています（%(reference)s）：%(expert)sさん %(month_name)s") % p,
            _("%(municipality)s「%(need)s」の%(expert)sさんの%(month_name)sの活動記録は、%(deadline)sが確認の期限です。"
              "照会番号 %(reference)s を月次確認の画面で検索し、確認するか差し戻してください。")
            % {**p, "deadline": _day(p["deadline"])})


def _veto_recorded(p: dict) -> tuple[str, str]:
    """A municipality's 不可 about an expert for its need, or an expert's about a whole municipality (issue 25)."""
    if p["side"] == "municipality":
        return (_("不可の登録：%(municipality)s「%(need)s」の%(expert)sさん") % p,
                _("%(municipality)sが「%(need)s」について%(expert)sさんを不可としました（理由：%(reason)s）。"
                  "取り下げられるのは%(municipality)sのみです。") % p)
    return (_("不可の登録：%(expert)sさんが%(municipality)sを辞退") % p,
            _("%(expert)sさんが%(municipality)sには行けないと登録しました（理由：%(reason)s）。"
              "取り下げられるのは本人のみです。") % p)
def _round_published(p: dict) -> tuple[str, str]:
    p = {**p, "deadline_day": _day(p["deadline"])}
    return (_("二次調整の公開：%(prefecture)s") % p,
            _("%(prefecture)sが未充足のニーズ%(needs)s件を二次調整として公開しました。%(deadline_day)sまでに、"
              "関心のあるニーズを登録してください。") % p)


RENDERERS = {
    NotificationKind.OFFER_AWAITING: _offer_awaiting,
    NotificationKind.OFFER_ACCEPTED: _offer_accepted,
    NotificationKind.OFFER_DECLINED: _offer_declined,
    NotificationKind.OFFER_DEADLINE_NEAR: _offer_deadline_near,
    NotificationKind.OFFER_LAPSED: _offer_lapsed,
    NotificationKind.ENGAGEMENT_ACTIVE: _engagement_active,
    NotificationKind.REPLACEMENT_REQUESTED: _replacement_requested,
    NotificationKind.ENGAGEMENT_REPLACED: _engagement_replaced,
    NotificationKind.RUN_FINISHED: _run_finished,
    NotificationKind.RUN_FAILED: _run_failed,
    NotificationKind.PLEDGE_TO_SIGN: _pledge_to_sign,
    NotificationKind.ENGAGEMENT_CONFLICT: _engagement_conflict,
    NotificationKind.INVITATION: _invitation,
    NotificationKind.APPLICATION_OUTCOME: _application_outcome,
    NotificationKind.VENDOR_MERGED: _vendor_merged,
    NotificationKind.APPLICATION_RECEIVED: _application_received,
    NotificationKind.AFFILIATION_CHANGE_REQUESTED: _affiliation_change_requested,
    NotificationKind.ENGAGEMENT_ENDED_EARLY: _engagement_ended_early,
    NotificationKind.EVALUATION_SUBMITTED: _evaluation_submitted,
    NotificationKind.VISIT_MOVED: _visit_moved,
    NotificationKind.WORK_MONTH_SUBMITTED: _work_month_submitted,
    NotificationKind.WORK_MONTH_DISPUTED: _work_month_disputed,
    NotificationKind.WORK_MONTH_ANSWERED: _work_month_answered,
    NotificationKind.WORK_MONTH_CONFIRMED: _work_month_confirmed,
    NotificationKind.WORK_MONTH_REMINDER: _work_month_reminder,
    NotificationKind.VETO_RECORDED: _veto_recorded,
    NotificationKind.ROUND_PUBLISHED: _round_published,
}


def notification_render(*, kind: str, params: dict) -> tuple[str, str]:
    """The subject and the one line of a notification, in the current language. A missing parameter is a
    KeyError: a caller's mistake, found by its tests rather than shown to a user as a blank."""
    return RENDERERS[NotificationKind(kind)](params)
