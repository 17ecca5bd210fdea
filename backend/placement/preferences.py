"""What both sides said before the match, as the instance carries it (exchange format version 3, issue 25): the
wishes of the municipalities and experts (`preferences`), and the vetoes in force as `forbids` that name who vetoed,
when and why (the engine ignores the extra fields; the run page says why a pair was forbidden).

It only reads backend.wishes rows; it never writes them.
"""

from backend.runs.refs import expert_ref, need_ref, parse_ref
from backend.wishes.models import Veto, Wish


def preference_documents(*, need_refs: set[str], expert_refs: set[str]) -> list[dict]:
    """Each wish about a pair of the instance (a need or expert outside it is dropped), sorted for a stable
    document."""
    wishes = Wish.objects.filter(need_id__in=[parse_ref(n) for n in need_refs],
                                 expert_id__in=[parse_ref(e) for e in expert_refs]).order_by("need_id", "expert_id", "side")
    return [{"need": need_ref(w.need_id), "expert": expert_ref(w.expert_id), "side": w.side, "level": w.level}
            for w in wishes]


def _veto_fields(veto: Veto) -> dict:
    return {"by": veto.side, "veto": veto.pk, "reason": veto.reason, "at": veto.created_at.isoformat()}


def veto_forbids(*, needs: list[dict], expert_refs: set[str]) -> list[dict]:
    """The vetoes in force as forbids: a municipality's (expert, need); an expert's veto of a municipality, (expert,
    each need of that municipality in the instance). Each names who vetoed, which veto, why and when."""
    need_refs = {n["id"] for n in needs}
    needs_of: dict[str, list[str]] = {}
    for n in needs:
        needs_of.setdefault(n["municipality"], []).append(n["id"])
    expert_ids = [parse_ref(e) for e in expert_refs]
    forbids = []
    vetoes = Veto.objects.in_force().filter(expert_id__in=expert_ids).order_by("id")
    for veto in vetoes.filter(need_id__in=[parse_ref(n) for n in need_refs]):
        forbids.append({"expert": expert_ref(veto.expert_id), "need": need_ref(veto.need_id), **_veto_fields(veto)})
    for veto in vetoes.filter(municipality_id__in=list(needs_of)):
        forbids.extend({"expert": expert_ref(veto.expert_id), "need": need, **_veto_fields(veto)}
                       for need in needs_of[veto.municipality_id])
    return forbids


def wishes_exist(*, prefecture_codes: list[str], fiscal_year: int) -> bool:
    """Whether anyone stated a wish about a need of this scope and fiscal year: the run option 「希望を考慮する」 is
    then on by default."""
    return Wish.objects.filter(need__municipality__prefecture_id__in=prefecture_codes,
                               need__fiscal_year=fiscal_year).exists()
