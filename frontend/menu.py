"""The main menu of each role, grouped by the season's work (issue 23, item 9): matching, engagements, the year,
money, administration. A group opens as a <details> drop-down (no JavaScript needed, reachable by keyboard); a
group with one entry for a role is shown as that entry's link. Every role's home page stays the list of what
awaits them (frontend/todo.py); the menu is only the way to every page."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from backend.accounts.models import UserRole


@dataclass(frozen=True)
class Item:
    url: str  # the URL name in frontend/urls.py
    label: str
    section: str = ""  # the nav section (frontend.templatetags.kenmu.SECTIONS) marked aria-current; the URL name
    fragment: str = ""
    coordinator_only: bool = False  # hidden from an administrator who is not a prefecture's coordinator

    @property
    def current_as(self) -> str:
        return self.section or self.url


@dataclass(frozen=True)
class Group:
    label: str
    items: tuple[Item, ...]

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(item.current_as for item in self.items)


CLOSED_DAYS = _("閉庁日と勤務可能日")

COORDINATOR_MENU = (
    Item("dashboard", _("ダッシュボード")),
    Group(_("マッチング"), (
        Item("experts", _("専門人材")), Item("needs", _("ニーズ")), Item("runs", _("マッチング")),
        Item("wishes-overview", _("希望と不可")), Item("consents", _("広域連携")), Item("applications", _("人材の応募"), coordinator_only=True))),
    Group(_("任用"), (
        Item("engagements", _("任用・委託")), Item("replacements", _("要員交代")),
        Item("exceptions", _("利益相反の例外")),
        Item("offer-declines", _("辞退・期限切れの理由")),
        Item("affiliation-changes", _("所属の変更申請"), coordinator_only=True),
        Item("restrictions", _("入札参加制限")), Item("may-bid", _("入札可否の確認")))),
    Group(_("年間の業務"), (
        Item("work-overview", _("活動記録の状況")), Item("renewals", _("次年度の継続")), Item("evaluations", _("評価")),
        Item("settings", CLOSED_DAYS, section="closed-days", fragment="#closed-days", coordinator_only=True),
        Item("public-settings", _("年度の公開"), coordinator_only=True),
        Item("rounds", _("二次調整"), coordinator_only=True))),
    Group(_("費用"), (Item("costs", _("費用")), Item("payments", _("支払額")),
                      Item("cost-estimate", _("予算要求見込み")), Item("cost-claims", _("交付税算定資料")),
                      Item("funding-schemes", _("財源")), Item("recruitment-costs", _("募集経費")))),
    Group(_("管理"), (
        Item("settings", _("都道府県の設定"), coordinator_only=True), Item("import", _("一括登録")),
        Item("invitations", _("招待"), coordinator_only=True), Item("users", _("利用者"), coordinator_only=True),
        Item("vendors", _("事業者"), coordinator_only=True), Item("audit", _("監査ログ")))),
)

MUNICIPAL_MENU = (
    Group(_("マッチング"), (Item("needs", _("ニーズ")), Item("procurements", _("調達・受託事業者")))),
    Group(_("任用"), (
        Item("engagements", _("任用・委託")), Item("exceptions", _("利益相反の例外")),
        Item("restrictions", _("入札参加制限")), Item("may-bid", _("入札可否の確認")))),
    Group(_("年間の業務"), (Item("work-confirmations", _("活動記録の月次確認")), Item("renewals", _("次年度の継続")),
                           Item("municipality-settings", CLOSED_DAYS))),
    Group(_("費用"), (Item("costs", _("費用")), Item("payments", _("支払額")),
                      Item("cost-estimate", _("予算要求見込み")), Item("cost-claims", _("交付税算定資料")),
                      Item("funding-schemes", _("財源")), Item("recruitment-costs", _("募集経費")))),
)

EXPERT_MENU = (
    Item("me", _("プロフィール")), Item("me-edit", _("稼働条件・スキル")),
    Item("my-affiliations", _("所属事業者")), Item("wishes-interest", _("ニーズへの希望")),
    Item("engagements", _("任用・委託")),
    Item("my-calendar", _("訪問予定")), Item("funding-schemes", _("財源")),
)


def _for(entries, *, coordinator: bool) -> list[Item | Group]:
    shown = []
    for entry in entries:
        if isinstance(entry, Item):
            if coordinator or not entry.coordinator_only:
                shown.append(entry)
            continue
        items = tuple(item for item in entry.items if coordinator or not item.coordinator_only)
        if len(items) == 1:
            shown.append(items[0])
        elif items:
            shown.append(Group(entry.label, items))
    return shown


def menu_for(user) -> list[Item | Group]:
    """The entries of a signed-in user's menu, in order."""
    if user.role == UserRole.COORDINATOR or user.is_superuser:
        return _for(COORDINATOR_MENU, coordinator=user.role == UserRole.COORDINATOR)
    if user.role == UserRole.MUNICIPAL:
        return _for(MUNICIPAL_MENU, coordinator=False)
    if user.role == UserRole.EXPERT:
        return _for(EXPERT_MENU, coordinator=False)
    return []
