"""The exchange-format ids of database rows (../shared/spec/exchange-format.md): prefixed primary keys (E12, N7,
V3, P40), so that a result can always be traced back to its rows.

Runs own them because a run's stored instance and result are written in them and the runs' own selectors read
them back; the placement app builds instances with them. Pure functions: no database, no Django.
"""


def expert_ref(pk: int) -> str:
    return f"E{pk}"


def need_ref(pk: int) -> str:
    return f"N{pk}"


def vendor_ref(pk: int) -> str:
    return f"V{pk}"


def procurement_ref(pk: int) -> str:
    return f"P{pk}"


def parse_ref(ref: str) -> int:
    return int(ref[1:])
