"""The audit log as a clerk reads it: actions and objects in words, what changed field by field, filters
(who, what, when, which object) and the same rows as CSV.

Names are looked up for one page at a time, one query per kind of object on it. An object deleted since
keeps its kind and number ("調達 #12"), so the row still says what was touched.
"""

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from backend.accounts.models import InvitationState, UserRole
from backend.core.audit import AuditAction
from backend.core.choices import Skill
from backend.core.models import AuditLog
from backend.geo.selectors import place_names
from frontend.templatetags.kenmu import fy, wareki, wareki_time

# kind (the model's name, as audit_record stores it) -> (model, label, related rows to fetch, name of an object)
KINDS: dict[str, tuple[str, str, tuple[str, ...], Callable]] = {
    "Need": ("needs.Need", pgettext_lazy("audit object", "ニーズ"), ("municipality",),
             lambda o: f"{o.municipality.name}：{o.title or o.get_role_display()}"),
    "Expert": ("experts.Expert", pgettext_lazy("audit object", "専門人材"), (), lambda o: o.name),
    "Engagement": ("engagements.Engagement", pgettext_lazy("audit object", "任用・委託"), ("expert", "municipality"),
                   lambda o: f"{o.expert.name} → {o.municipality.name}"),
    "Proposal": ("runs.Proposal", pgettext_lazy("audit object", "提案"), ("expert", "need__municipality"),
                 lambda o: f"{o.expert.name} → {o.need.municipality.name}"),
    "MatchRun": ("runs.MatchRun", pgettext_lazy("audit object", "マッチング"), ("prefecture",),
                 lambda o: f"{o.prefecture.name} {fy(o.fiscal_year)} {wareki_time(o.created_at)}"),  # no ids
    "PairDecision": ("runs.PairDecision", pgettext_lazy("audit object", "固定・除外"), ("expert", "need__municipality"),
                     lambda o: f"{o.expert.name} → {o.need.municipality.name}"),
    "ScopeConsent": ("runs.ScopeConsent", pgettext_lazy("audit object", "広域連携の同意"), ("grantor", "grantee"),
                     lambda o: f"{o.grantor.name} → {o.grantee.name}"),
    "CoiOverride": ("engagements.CoiOverride", pgettext_lazy("audit object", "利益相反の例外"), ("expert", "municipality"),
                    lambda o: f"{o.expert.name} → {o.municipality.name}"),
    "ReplacementRequest": ("engagements.ReplacementRequest", pgettext_lazy("audit object", "要員交代"),
                           ("engagement__expert", "engagement__municipality"),
                           lambda o: f"{o.engagement.expert.name} → {o.engagement.municipality.name}"),
    "Vendor": ("procurement.Vendor", pgettext_lazy("audit object", "事業者"), (), lambda o: o.name),
    "VendorDuplicate": ("procurement.VendorDuplicate", pgettext_lazy("audit object", "事業者の重複の疑い"),
                        ("first", "second"), lambda o: f"{o.first.name} / {o.second.name}"),
    "Procurement": ("procurement.Procurement", pgettext_lazy("audit object", "調達"), ("municipality",),
                    lambda o: f"{o.municipality.name}：{o.title}"),
    "AffiliationChange": ("experts.AffiliationChange", pgettext_lazy("audit object", "所属の変更申請"), ("expert", "vendor"),
                          lambda o: f"{o.expert.name}：{o.vendor.name}"),
    "ExpertApplication": ("experts.ExpertApplication", pgettext_lazy("audit object", "登録申請"), (), lambda o: o.name),
    "Invitation": ("accounts.Invitation", pgettext_lazy("audit object", "招待"), (), lambda o: o.email),
    "User": ("accounts.User", pgettext_lazy("audit object", "利用者"), (), lambda o: o.username),
}
SHOWN_CHANGES = 8


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class AuditRow:
    id: int
    hash: str
    prev_hash: str
    at: dt.datetime
    actor: str
    action: str
    kind: str
    name: str
    changes: list[Change]
    more: int  # changes not shown


@dataclass(frozen=True)
class AuditQuery:
    actor: str = ""
    action: str = ""
    kind: str = ""
    object_id: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def audit_query(params) -> tuple[AuditQuery, list[str]]:
    """The filters of the page's form, and a message per value that cannot be read (that filter is dropped)."""
    problems, dates = [], {}
    for key, label in (("since", _("開始日")), ("until", _("終了日"))):
        text = params.get(key, "").strip()
        try:
            dates[key] = dt.date.fromisoformat(text) if text else None
        except ValueError:
            dates[key] = None
            problems.append(_("%(field)sは日付（例：2027-04-01）で入力してください。") % {"field": label})
    action = params.get("action", "")
    kind = params.get("kind", "")
    return AuditQuery(actor=params.get("actor", "").strip(), action=action if action in AuditAction.values else "",
                      kind=kind if kind in KINDS else "", object_id=params.get("object", "").strip(),
                      **dates), problems


def audit_filter(entries: QuerySet[AuditLog], query: AuditQuery) -> QuerySet[AuditLog]:
    if query.actor:
        entries = entries.filter(actor__username=query.actor)
    if query.action:
        entries = entries.filter(action=query.action)
    if query.kind:
        entries = entries.filter(object_type=query.kind)
    if query.object_id:
        entries = entries.filter(object_id=query.object_id)
    if query.since:
        entries = entries.filter(at__date__gte=query.since)
    if query.until:
        entries = entries.filter(at__date__lte=query.until)
    return entries


def _names(entries: Iterable[AuditLog]) -> dict[tuple[str, str], str]:
    ids = defaultdict(set)
    for entry in entries:
        if entry.object_type in KINDS and entry.object_id.isdigit():
            ids[entry.object_type].add(int(entry.object_id))
    names = {}
    for kind, pks in ids.items():
        model, _label, related, name = KINDS[kind]
        for obj in apps.get_model(model).objects.select_related(*related).filter(pk__in=pks):
            names[(kind, str(obj.pk))] = name(obj)
    return names


def _shown(value, field=None) -> str:
    """A stored value as the clerk reads it: a choice's label, a municipality's or prefecture's name, a date in
    the era; lists joined."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("はい") if value else _("いいえ")
    if isinstance(value, list) and value and all(_is_skill_row(v) for v in value):
        return "、".join(_skill_row(v) for v in value)
    if isinstance(value, list):
        return "、".join(_shown(v, field) for v in value)
    if isinstance(value, dict):
        skills = dict(Skill.choices)  # a need's or an expert's skills: {"security": 2} -> 情報セキュリティ: 2
        return "、".join(f"{skills[k] if k in skills else _key_label(k)}: {_shown(v)}" for k, v in value.items())
    choices = dict(getattr(getattr(field, "base_field", field), "choices", None) or ())
    if str(value) in choices:
        return str(choices[str(value)])
    related = getattr(field, "related_model", None)
    if related is not None and related._meta.label in PLACE_NAMES:
        return place_names(PLACE_NAMES[related._meta.label]).get(str(value), str(value))
    if related is not None and related.__name__ in KINDS and str(value).isdigit():
        return _object_name(related.__name__, int(value))
    if isinstance(value, str) and ISO_DATE.match(value):
        return _when(value)
    return str(value)


def _key_label(key: str) -> str:
    """A key that names a foreign key as "app.model.field" (what a vendor merge moved) in words: 「所属事業者（事業者）」."""
    if key in SNAPSHOT_LABELS:
        return str(SNAPSHOT_LABELS[key])
    if key in NESTED_LABELS:
        return str(NESTED_LABELS[key])
    if key.count(".") != 2:
        return key
    app_label, model_name, field_name = key.split(".")
    try:
        model = apps.get_model(app_label, model_name)
        return f"{model._meta.verbose_name}（{model._meta.get_field(field_name).verbose_name}）"
    except (LookupError, FieldDoesNotExist):
        return key
def _is_skill_row(value) -> bool:
    """A need's skill as its snapshot keeps it: [skill, level, required]."""
    return isinstance(value, list) and len(value) == 3 and value[0] in Skill.values


def _skill_row(value: list) -> str:
    skill, level, required = value
    words = _("%(skill)s レベル%(level)s（必須）") if required else _("%(skill)s レベル%(level)s（歓迎）")
    return words % {"skill": dict(Skill.choices)[skill], "level": level}


def _when(text: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if len(text) == 10:
        return wareki(moment.date())
    return wareki_time(moment if timezone.is_aware(moment) else timezone.make_aware(moment))


PLACE_NAMES = {"geo.Municipality": "municipality", "geo.Prefecture": "prefecture"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$")


def _object_name(kind: str, pk: int) -> str:
    """A related object named as the log names objects (an audit page shows at most a page of rows)."""
    model, _label, related, name = KINDS[kind]
    obj = apps.get_model(model).objects.select_related(*related).filter(pk=pk).first()
    return name(obj) if obj is not None else f"#{pk}"


# Keys inside a snapshot's nested values (a merge's survivor and absorbed vendor).
NESTED_LABELS = {"name": pgettext_lazy("audit field", "名称"), "corporate_number": pgettext_lazy("audit field", "法人番号")}
# Keys of the services' snapshots that are not a field of the object's model.
SNAPSHOT_LABELS = {
    "municipality_accepted_at": pgettext_lazy("audit field", "市区町村の承諾日時"),
    "expert_accepted_at": pgettext_lazy("audit field", "専門人材の承諾日時"),
    "declined_by": pgettext_lazy("audit field", "辞退した側"),
    "signed_at": pgettext_lazy("audit field", "署名日時"),
    "version": pgettext_lazy("audit field", "誓約書の版"),
    "engagement": pgettext_lazy("audit field", "任用・委託"),
    "expert": pgettext_lazy("audit field", "専門人材"),
    "need": pgettext_lazy("audit field", "ニーズ"),
    "skills": pgettext_lazy("audit field", "スキル"),
    "affiliations": pgettext_lazy("audit field", "所属"),
    "required_skills": pgettext_lazy("audit field", "必須スキル"),
    "desired_skills": pgettext_lazy("audit field", "歓迎スキル"),
    # A vendor merge (backend/procurement vendor_merge) and a dismissed duplicate.
    "survivor": pgettext_lazy("audit field", "統合先"),
    "absorbed": pgettext_lazy("audit field", "統合された事業者"),
    "moved": pgettext_lazy("audit field", "統合先に移した記録（件数）"),
    "kept_with_absorbed": pgettext_lazy("audit field", "統合された事業者に残した記録（統合先に同じ記録あり）"),
    # Recorded before the glossary renames (Expert.active → listed, home_prefecture → registering_prefecture,
    # pledge_signed_on → pool_pledge_signed_on): old rows keep their old keys.
    "active": pgettext_lazy("audit field", "登録中"),
    "home_prefecture": pgettext_lazy("audit field", "登録都道府県"),
    "pledge_signed_on": pgettext_lazy("audit field", "秘密保持誓約の署名日"),
    # Keys of snapshots and of the rows written beside them, which showed as 「replaced：— → 1」 (issue 21).
    "replaced": pgettext_lazy("audit field", "交代される任用・委託"),
    "successor": pgettext_lazy("audit field", "後任の任用・委託"),
    "state": pgettext_lazy("audit field", "状態"),
    "user": pgettext_lazy("audit field", "利用者"),
    "role": pgettext_lazy("audit field", "役割"),
    "exception": pgettext_lazy("audit field", "利益相反の例外"),
    "engagement_ends_on": pgettext_lazy("audit field", "任用・委託の終了日"),
    "because": pgettext_lazy("audit field", "理由"),
    "error": pgettext_lazy("audit field", "エラー"),
    "tokens_revoked": pgettext_lazy("audit field", "無効にしたAPIトークンの数"),
    "revoked_by": pgettext_lazy("audit field", "取り消した人"),
    "muted_kinds": pgettext_lazy("audit field", "受け取らない通知"),
    "username": pgettext_lazy("audit field", "ログイン名"),
    "is_active": pgettext_lazy("audit field", "有効"),
    "kind": pgettext_lazy("audit field", "種類"),
    "scope": pgettext_lazy("audit field", "対象の都道府県"),
    "params": pgettext_lazy("audit field", "実行の条件"),
    "reason": pgettext_lazy("audit field", "理由"),
    "fiscal_year": pgettext_lazy("audit field", "年度"),
    "email": pgettext_lazy("audit field", "メールアドレス"),
    "expires_at": pgettext_lazy("audit field", "有効期限"),
}


class _Values:
    """What a snapshot key's values are, for a key that is no field of the object's model: choices, or the
    model whose rows its numbers name (shown by name, as `_shown` shows a related field's value)."""

    def __init__(self, *, choices=None, model: str | None = None):
        self.choices, self._model = choices, model

    @property
    def related_model(self):
        return apps.get_model(self._model) if self._model else None


def _snapshot_values() -> dict[str, _Values]:
    return {
        "replaced": _Values(model="engagements.Engagement"), "successor": _Values(model="engagements.Engagement"),
        "engagement": _Values(model="engagements.Engagement"), "expert": _Values(model="experts.Expert"),
        "need": _Values(model="needs.Need"), "exception": _Values(model="engagements.CoiOverride"),
        "state": _Values(choices=InvitationState.choices), "role": _Values(choices=UserRole.choices),
        "scope": _Values(model="geo.Prefecture"), "prefecture": _Values(model="geo.Prefecture"),
        "municipality": _Values(model="geo.Municipality"),
    }


def _field(kind: str, name: str):
    if kind in KINDS:
        try:
            return apps.get_model(KINDS[kind][0])._meta.get_field(name)
        except FieldDoesNotExist:
            pass
    return None


def _changes(kind: str, before: dict | None, after: dict | None) -> list[Change]:
    before, after = before or {}, after or {}
    order = {key: index for index, key in enumerate([*after, *before])}
    changes = []
    for key in sorted(set(before) | set(after), key=order.get):
        if before.get(key) == after.get(key):
            continue
        field = _field(kind, key) or _snapshot_values().get(key)
        shown_before, shown_after = _shown(before.get(key), field), _shown(after.get(key), field)
        if key == "fiscal_year" and isinstance(after.get(key) or before.get(key), int):
            shown_before, shown_after = (fy(v) if v else "—" for v in (before.get(key), after.get(key)))
        if shown_before == shown_after:  # "" and None alike: nothing a reader would see changed
            continue
        label = (str(SNAPSHOT_LABELS[key]) if key in SNAPSHOT_LABELS
                 else str(field.verbose_name) if field is not None and hasattr(field, "verbose_name")
                 else key)
        changes.append(Change(label, shown_before, shown_after))
    return changes


def audit_rows(entries: Iterable[AuditLog], *, shown: int | None = SHOWN_CHANGES) -> list[AuditRow]:
    """The rows in words; each with its first `shown` changes (every change when None, as the CSV has them)."""
    entries = list(entries)
    names = _names(entries)
    labels = dict(AuditAction.choices)
    rows = []
    for entry in entries:
        kind = str(KINDS[entry.object_type][1]) if entry.object_type in KINDS else entry.object_type
        changes = _changes(entry.object_type, entry.before, entry.after)
        rows.append(AuditRow(
            id=entry.pk, hash=entry.hash, prev_hash=entry.prev_hash, at=entry.at, actor=entry.actor.username if entry.actor else _("システム"),
            action=str(labels.get(entry.action, entry.action)), kind=kind,
            name=names.get((entry.object_type, entry.object_id), f"#{entry.object_id}"),
            changes=changes[:shown], more=max(0, len(changes) - (len(changes) if shown is None else shown))))
    return rows


def kind_choices() -> list[tuple[str, str]]:
    return [(kind, str(label)) for kind, (_model, label, _related, _name) in KINDS.items()]
