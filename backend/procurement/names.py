"""How two vendor names are compared: one legal entity is written many ways (全角・半角, spaces, 株式会社・(株)・㈱).

`vendor_name_key` is the stored, indexed form of a name that the register compares: NFKC (so ㈱ is (株) and
ＡＢＣ is ABC), case folded, every space removed, and the legal-form words folded away. Two names with one key
are taken to be one vendor until a coordinator says otherwise (a duplicate dismissed).
"""

import re
import unicodedata

# After NFKC: （株）→(株), ㈱→(株), ㈲→(有), ㈾→(資), 全角スペース→" ".
LEGAL_FORMS = ("株式会社", "有限会社", "合同会社", "合名会社", "合資会社", "(株)", "(有)", "(同)", "(資)", "(名)")
_LEGAL_FORM = re.compile("|".join(re.escape(form) for form in LEGAL_FORMS))
_SPACE = re.compile(r"\s+")


def vendor_name_key(name: str) -> str:
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()
    # A name that is only a legal form ("株式会社") keeps it: an empty key would match every such name.
    return _LEGAL_FORM.sub("", folded) or folded


def duplicate_pairs(vendors) -> dict[tuple[int, int], str]:
    """Pairs (lower id, higher id) of entries that look like one vendor, from (id, name_key, corporate_number)
    rows: "number" for one 法人番号, else "name" for one folded name. Plain data: the data migration uses it too."""
    pairs: dict[tuple[int, int], str] = {}
    for index, reason in ((2, "number"), (1, "name")):
        groups: dict[str, list[int]] = {}
        for row in vendors:
            if row[index]:
                groups.setdefault(row[index], []).append(row[0])
        for ids in groups.values():
            ids = sorted(ids)
            for i, first in enumerate(ids):
                for second in ids[i + 1:]:
                    pairs.setdefault((first, second), reason)
    return pairs
