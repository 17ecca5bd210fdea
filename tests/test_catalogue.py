"""The English catalogue (backend/locale/en/LC_MESSAGES/django.po) is complete, compiled and in step with the code.

Runs without gettext tools and without a database: the .po is read by a small parser, the .mo by Python's
gettext, Python sources by `ast` and templates by Django's own `templatize` (what makemessages feeds to
xgettext). When a test here fails after new strings, run makemessages, translate, and compilemessages:

    manage.py makemessages -l en --ignore=.venv --ignore=staticfiles --ignore=artifacts --ignore=benchmarks
    manage.py compilemessages -l en
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "backend" / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
SOURCES = [ROOT / "backend", ROOT / "frontend"]


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # msgstr is form 0
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], "\\" + m[1]), text)


def po_parse(text: str) -> list[Entry]:
    """The live entries of a .po file (the header included, obsolete `#~` entries left out)."""
    entries: list[Entry] = []
    entry, target = Entry(), None  # target: (attribute, plural index) the next "..." line continues

    def close():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if target is not None and target[0] == "msgstr":
                close()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                close()
        elif match := _KEYWORD.match(line):
            keyword, index, value = match[1], match[2], _unquote(match[3])
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                close()
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = value
            else:
                target = (keyword, 0)
                setattr(entry, keyword, value)
        elif line.startswith('"') and target is not None:
            value = _unquote(line[1:-1])
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += value
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + value)
        else:
            raise ValueError(f"cannot read .po line: {line!r}")
    close()
    return entries


# %(name)s, %s, %d, %.1f ...; %% is a literal percent sign; anything else after % is a stray percent.
_PERCENT = re.compile(r"%(?:%|(?P<spec>(?:\(\w+\))?[#0 +-]*\d*(?:\.\d+)?[sdifrx]))?")


def placeholders(text: str) -> tuple[list[str], int]:
    """(the format placeholders in order, how many % signs are neither a placeholder nor %%)."""
    found, stray = [], 0
    for match in _PERCENT.finditer(text):
        if match[0] == "%%":
            continue
        if match["spec"]:
            found.append(match["spec"])
        else:
            stray += 1
    return found, stray


def placeholder_problem(msgid: str, msgstr: str) -> str | None:
    """Why msgstr would not format like msgid, or None. Named placeholders may move; positional ones not.
    A msgid with neither a placeholder nor %% is not formatted, so its translation may use % freely."""
    (want, want_stray), (got, got_stray) = placeholders(msgid), placeholders(msgstr)
    if not want and "%%" not in msgid:
        return None
    if any(p.startswith("(") for p in want):
        want, got = sorted(want), sorted(got)
    if want != got:
        return f"placeholders {want} became {got}"
    if got_stray > want_stray:
        return "a lone % in a format string (write %%)"
    return None


PYTHON_KEYWORDS = {  # function name -> (index of the context argument or None, index of the msgid)
    "_": (None, 0), "gettext": (None, 0), "gettext_lazy": (None, 0), "gettext_noop": (None, 0),
    "ngettext": (None, 0), "ngettext_lazy": (None, 0),
    "pgettext": (0, 1), "pgettext_lazy": (0, 1), "npgettext": (0, 1), "npgettext_lazy": (0, 1),
}


def python_msgids(source: str) -> set[tuple[str | None, str]]:
    """(context, msgid) of every translation call whose message is a literal (adjacent literals join)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in PYTHON_KEYWORDS:
            continue
        context_at, msgid_at = PYTHON_KEYWORDS[name]
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                for a in node.args]
        if len(args) > msgid_at and args[msgid_at] is not None:
            found.add((args[context_at] if context_at is not None else None, args[msgid_at]))
    return found


_PY_STRING = r"""u?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_TEMPLATIZED_CALL = re.compile(rf"(?<![\w.])(n?p?gettext)\(\s*({_PY_STRING}(?:\s*,\s*{_PY_STRING})*)")


def template_msgids(source: str) -> set[tuple[str | None, str]]:
    """(context, msgid) of every {% translate %} and {% blocktranslate %} in a template, as makemessages
    extracts them: Django's templatize turns them into gettext calls ({{ n }} becomes %(n)s, % becomes %%)."""
    found = set()
    for match in _TEMPLATIZED_CALL.finditer(templatize(source)):
        strings = ast.literal_eval(f"({match[2]},)")
        found.add((strings[0], strings[1]) if match[1].startswith(("pgettext", "npgettext")) else (None, strings[0]))
    return found


def code_msgids() -> dict[tuple[str | None, str], str]:
    """Every literal message of backend/ and frontend/, with one file that uses it."""
    found = {}
    for root in SOURCES:
        for path in sorted(root.rglob("*")):
            if path.suffix == ".py":
                keys = python_msgids(path.read_text(encoding="utf-8"))
            elif path.suffix in (".html", ".txt"):
                keys = template_msgids(path.read_text(encoding="utf-8"))
            else:
                continue
            for key in keys:
                found.setdefault(key, str(path.relative_to(ROOT)))
    return found


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [e for e in po_parse(PO.read_text(encoding="utf-8")) if e.msgid]


# --- the helpers above can tell a good catalogue from a bad one ---

SAMPLE_PO = r'''
msgid ""
msgstr "Language: en\n"

#: a.py:1
#, fuzzy, python-format
msgid "%(n)s件"
msgstr "%(n)s items"

msgid ""
"二行"
"目"
msgstr ""

#~ msgid "古い"
#~ msgstr "Old"

msgid "1件"
msgid_plural "%d件"
msgstr[0] "one"
msgstr[1] "%d \"items\""
'''


def test_the_parser_reads_flags_continuations_plurals_and_skips_obsolete_entries():
    header, fuzzy, multiline, plural = po_parse(SAMPLE_PO)
    assert header.msgstr == {0: "Language: en\n"}
    assert (fuzzy.msgid, fuzzy.flags) == ("%(n)s件", {"fuzzy", "python-format"})
    assert (multiline.msgid, multiline.msgstr) == ("二行目", {0: ""})
    assert plural.msgid_plural == "%d件"
    assert plural.msgstr == {0: "one", 1: '%d "items"'}


@pytest.mark.parametrize(("msgid", "msgstr", "problem"), [
    ("%(m)sの%(e)sさん", "%(e)s at %(m)s", None),
    ("%(count)s件", "%(count)s items (100%%)", None),
    ("%(count)s件", "%(cuont)s items", "placeholders"),
    ("%(count)s件", "items", "placeholders"),
    ("%s から %d 件", "%d items from %s", "placeholders"),
    ("%(n)s件", "%(n)s items (100%)", "lone %"),
    ("100%%完了", "100% done", "placeholders"),
    ("100%完了", "100% done", None),
])
def test_placeholder_check(msgid, msgstr, problem):
    found = placeholder_problem(msgid, msgstr)
    assert found is None if problem is None else problem in (found or "")


def test_code_scanners_find_python_and_template_messages():
    assert python_msgids('x = _("一" "二"); y = pgettext_lazy("ctx", "三"); z = _(name); gettext("%(n)s件")') == {
        (None, "一二"), ("ctx", "三"), (None, "%(n)s件")}
    html = ("{% load i18n %}<h1>{% translate \"見出し\" %}</h1><p>{% translate '引用' context \"画面\" %}</p>"
            "<p>{% blocktranslate with n=rows|length %}{{ n }}件（100%）{% endblocktranslate %}</p>")
    assert template_msgids(html) == {(None, "見出し"), ("画面", "引用"), (None, "%(n)s件（100%%）")}


# --- the catalogue itself ---

def test_no_entry_is_fuzzy(entries):
    assert [e.msgid for e in entries if "fuzzy" in e.flags] == []


def test_every_entry_is_translated_in_every_plural_form(entries):
    def forms(e: Entry) -> tuple[int, ...]:
        return (0, 1) if e.msgid_plural is not None else (0,)  # English: Plural-Forms nplurals=2

    assert [e.msgid for e in entries if any(not e.msgstr.get(i) for i in forms(e))] == []


def test_translations_keep_the_placeholders(entries):
    problems = {}
    for e in entries:
        for index, msgstr in e.msgstr.items():
            source = e.msgid_plural if index and e.msgid_plural is not None else e.msgid
            if msgstr and (problem := placeholder_problem(source, msgstr)):
                problems[f"{e.msgid} [{index}]"] = problem
    assert problems == {}


def test_the_compiled_catalogue_matches_the_po(entries):
    with MO.open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in entries:
        if e.msgid_plural is None:
            got = [compiled.pgettext(e.msgctxt, e.msgid) if e.msgctxt else compiled.gettext(e.msgid)]
        else:
            got = [compiled.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n) if e.msgctxt
                   else compiled.ngettext(e.msgid, e.msgid_plural, n) for n in (1, 2)]
        if got != [e.msgstr.get(i) for i in range(len(got))]:
            stale.append(e.msgid)
    assert stale == [], "django.mo is older than django.po: run manage.py compilemessages -l en"


def test_every_message_in_the_code_is_in_the_catalogue(entries):
    catalogue = {e.key for e in entries}
    missing = {msgid if context is None else f"{context}|{msgid}": path
               for (context, msgid), path in code_msgids().items() if (context, msgid) not in catalogue}
    assert missing == {}, "new messages: run manage.py makemessages -l en and translate them"


def test_no_module_renames_a_translation_function_makemessages_would_not_see():
    """`gettext_lazy as _l` hides every message from makemessages (and from this check): English pages then
    show the Japanese. Only the names makemessages knows may be used."""
    renamed = []
    for path in (ROOT / "backend").rglob("*.py"), (ROOT / "frontend").rglob("*.py"):
        for file in path:
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                    renamed += [f"{file.relative_to(ROOT)}: {a.name} as {a.asname}" for a in node.names
                                if a.asname and a.asname not in PYTHON_KEYWORDS]
    assert renamed == []
