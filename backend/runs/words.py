"""The engine's details in the clerk's words: places and vendors by name, never by code or id, and no field names
of the exchange format (「都道府県コード 20 に対応する専門人材 49名」 meant 長野県, issue 21). The engine
(matching/) never imports Django, so it words them by the exchange format's codes; the names are put in here,
when a report is read."""

import re

from backend.geo.selectors import place_names
from backend.procurement.models import Vendor
from backend.runs.refs import parse_ref

PREFECTURE_CODE = re.compile(r"都道府県コード\s*(\d{2})(?!\d) ?|\b(?:prefecture|onsite in) (\d{2})\b")
MUNICIPALITY_CODE = re.compile(r"市区町村\s*(\d{6})(?!\d) ?|\bof (\d{6})\b")
VENDOR_REF = re.compile(r"\bV\d+\b")
# The exchange format's field names the Japanese details mention in passing.
FORMAT_WORDS = (("利益相反の例外承認（coi_override）", "利益相反の例外"), ("（conflicting_pins を参照）", ""))


def _named(names: dict[str, str], m: re.Match) -> str:
    code = m.group(1) or m.group(2)
    name = names.get(code)
    if name is None:
        return m.group(0)
    return name if m.group(1) else m.group(0)[: -len(code)] + name


def vendors_named_in(texts) -> dict[int, str]:
    """The names of the vendors these texts refer to ("V3"), in one query for them all."""
    refs = {ref for text in texts for ref in VENDOR_REF.findall(text or "")}
    if not refs:
        return {}
    return dict(Vendor.objects.filter(pk__in=[parse_ref(r) for r in refs]).values_list("pk", "name"))


def places_named(text: str, vendors: dict[int, str] | None = None) -> str:
    """'都道府県コード 20' -> '長野県', '市区町村 202011' -> '長野市' ('prefecture 20' -> 'prefecture 長野県' in
    English), 'V3' -> the vendor's name; a code or id the register does not know stays as it is. `vendors`: the
    names `vendors_named_in` found for every text to be worded (a report's many details: one query, not one each)."""
    text = text or ""
    prefectures, municipalities = place_names("prefecture"), place_names("municipality")
    text = PREFECTURE_CODE.sub(lambda m: _named(prefectures, m), text)
    text = MUNICIPALITY_CODE.sub(lambda m: _named(municipalities, m), text)
    if VENDOR_REF.search(text):
        vendors = vendors_named_in([text]) if vendors is None else vendors
        text = VENDOR_REF.sub(lambda m: vendors.get(parse_ref(m.group(0)), m.group(0)), text)
    for technical, plain in FORMAT_WORDS:
        text = text.replace(technical, plain)
    return text
