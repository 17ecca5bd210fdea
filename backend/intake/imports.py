"""Excel/CSV import of experts and needs for coordinators: every row validated, all or nothing.

A sheet has Japanese headers (the downloadable template). Each row becomes the same input the
API takes, validated by the same serializer in Japanese and English; errors name the row and the
column. Nothing is written unless every row is valid, and then all rows are written in one
transaction through the same services the API uses.

An upload is untrusted: its size, rows, columns and reading time are bounded (KENMU_IMPORT_*
settings), a .xlsx must really be a workbook and a CSV really text, and every way a file can be
wrong is a 400 that names the file, or the row and the column. Reading must never raise anything else.
"""

import codecs
import csv
import functools
import io
import logging
import re
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from rest_framework import serializers
from rest_framework.relations import ManyRelatedField, PrimaryKeyRelatedField

from backend.accounts.models import User
from backend.accounts.permissions import is_coordinator
from backend.core.api import BilingualValidationError, bilingual_errors
from backend.core.audit import audit_deferred
from backend.core.choices import (
    AffiliationRelation,
    EmploymentForm,
    Role,
    Weekday,
    WorkPattern,
    value_by_label,
)
from backend.core.errors import DomainError, FieldProblem, ForbiddenError, in_both, interpolate
from backend.core.spreadsheet import csv_bytes, xlsx_bytes
from backend.experts.serializers import ExpertInputSerializer
from backend.experts.services import expert_create, expert_create_many
from backend.funding.models import FundingScheme
from backend.geo.models import Prefecture
from backend.geo.selectors import municipality_code_from_text
from backend.intake.errors import ErrorCode
from backend.needs.models import FeeBasis
from backend.needs.serializers import NeedInputSerializer
from backend.needs.services import need_submit, need_submit_many
from backend.procurement.models import Vendor
from backend.procurement.names import vendor_name_key
from backend.procurement.services import vendor_create

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
DECLARED_RANGE_SLACK = 10  # a sheet's declared range also counts blank and formatted-but-empty cells

WEEKDAY_KANJI = {str(label): value for value, label in Weekday.choices}
PATTERN_WORDS = {"週": WorkPattern.WEEKLY, "月": WorkPattern.MONTHLY, "年": WorkPattern.YEARLY}
YES = {"要", "必要", "はい", "yes", "true", "1", "○"}


# What one import has looked up in the register (prefectures, municipalities by name, vendors by 法人番号, funding
# schemes, the serializers' related rows), so that a 2,000-row file asks the database once per distinct value, not
# once per row (issue 26). Lives only while one import runs (`_remembering`): the register may change between two.
_memo: ContextVar[dict | None] = ContextVar("import_memo", default=None)


def _remembered(kind: str, key, look_up: Callable[[], object]):
    memo = _memo.get()
    if memo is None:
        return look_up()
    if (kind, key) not in memo:
        memo[kind, key] = look_up()
    return memo[kind, key]


def _remember(kind: str, key, value) -> None:
    memo = _memo.get()
    if memo is not None:
        memo[kind, key] = value


@contextmanager
def _remembering():
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


class _RememberedRows:
    """A related field's queryset as `PrimaryKeyRelatedField.to_internal_value` uses it (`.get(pk=…)`), answering
    a value already looked up in this import from memory. The key is the value as the database would compare it
    (`get_prep_value`, which raises the same TypeError or ValueError for a value of the wrong type)."""

    def __init__(self, queryset, path: str):
        self.queryset, self.path = queryset, path

    def get(self, *, pk):
        key = self.queryset.model._meta.pk.get_prep_value(pk)
        return _remembered(f"row:{self.path}", key, lambda: self.queryset.get(pk=pk))


def _remembering_related(fields, prefix: str = "") -> None:
    """Point every primary-key related field of a serializer (nested and listed ones too) at `_RememberedRows`."""
    for name, field in fields.items():
        path = f"{prefix}{name}"
        if isinstance(field, ManyRelatedField):
            field = field.child_relation
        if isinstance(field, serializers.ListSerializer):
            field = field.child
        if isinstance(field, serializers.Serializer):
            _remembering_related(field.fields, f"{path}.")
        elif isinstance(field, PrimaryKeyRelatedField) and field.queryset is not None:
            field.queryset = _RememberedRows(field.queryset, path)


def split_list(text: str) -> list[str]:
    for sep in ("、", ",", "，", ";", "；", "　"):
        text = text.replace(sep, " ")
    return [part for part in text.split() if part]


def parse_weekdays(text: str) -> list[str]:
    """'月火木' or 'mon tue thu' or '月,火'."""
    text = text.strip()
    if text and all(ch in WEEKDAY_KANJI or ch in " 、," for ch in text):
        return [WEEKDAY_KANJI[ch] for ch in text if ch in WEEKDAY_KANJI]
    return split_list(text)


def parse_choice_list(text: str, choices) -> list[str]:
    by_label = value_by_label(choices)
    return [by_label.get(part, part) for part in split_list(text)]


def parse_choice(text: str, choices) -> str:
    """One choice by label or value; anything else (several, or only separators) is passed on as typed
    for the serializer to reject."""
    parts = parse_choice_list(text, choices)
    return parts[0] if len(parts) == 1 else text


def parse_skills(text: str) -> dict:
    """'情報セキュリティ:3、企画・計画:2' (or by code, 'security:3'; a full-width colon too). Names are read by
    the serializer; levels stay text: it turns numbers into ints and rejects the rest ('²', 'high'), so
    parsing never raises."""
    skills = {}
    for part in split_list(text.replace("：", ":")):
        name, _sep, level = part.partition(":")
        skills[name] = level
    return skills


def parse_prefectures(text: str) -> list[str]:
    """'長野県、山梨県' or '長野 山梨' or '20 19': prefecture codes; anything unknown is passed on as typed."""
    by_name = _remembered("prefectures", None, _prefecture_codes)
    return [by_name.get(part, part) for part in split_list(text)]


def _prefecture_codes() -> dict[str, str]:
    by_name = {}
    for code, name in Prefecture.objects.values_list("code", "name"):
        by_name.update({name: code, name.rstrip("都道府県") or name: code, code: code, code.lstrip("0"): code})
    return by_name


def parse_municipality(text: str) -> str:
    """A 団体コード, or a name: '長野県長野市', or '長野市' when only one municipality has that name."""
    return _remembered("municipality", text, lambda: municipality_code_from_text(text))


def parse_man_yen(text: str) -> int | str:
    """'240' or '240.5' (万円) as yen; anything else is passed on for the serializer to refuse."""
    try:
        return round(float(text.replace(",", "")) * 10_000)
    except ValueError:
        return text


def parse_corporate_number(text: str) -> str:
    """'1234567890123', '1-2345-6789-0123' or full-width digits: the 13 digits as typed, for the service to check."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch not in "- ")


def _vendor_for(*, actor: User, n: int, name: str | None, number: str | None) -> int | None:
    """The register's vendor of an affiliation column pair, matched by 法人番号 (never by name: one name may be two
    entities). An unknown number with a name registers the vendor, unless a vendor of that folded name is already
    registered: then the row is refused naming it. The refusal names the row's own columns."""
    name_field, number_field = f"aff{n}_vendor", f"aff{n}_vendor_number"
    if number:
        found = _remembered("vendor", number, lambda: Vendor.objects.filter(corporate_number=number)
                            .values_list("merged_into_id", "pk").first())
        if found:
            return found[0] or found[1]
    if not name and not number:
        return None
    if not number:
        same = Vendor.objects.filter(name_key=vendor_name_key(name), retired_at__isnull=True).first()
        message = (interpolate(gettext_lazy("事業者は法人番号で照合します。登録済みの %(vendor)s であれば、その法人番号を"
                                            "入力してください。"), vendor=same.label) if same else
                   gettext_lazy("事業者は法人番号で照合します。法人番号（13桁）を入力してください。"))
        raise DomainError(FieldProblem(number_field, ErrorCode.REQUIRED, message))
    if not name:
        raise DomainError(FieldProblem(name_field, ErrorCode.REQUIRED, interpolate(gettext_lazy(
            "法人番号 %(number)s の事業者は登録されていません。新しく登録するには事業者名も入力してください。"), number=number)))
    try:
        vendor = vendor_create(actor=actor, data={"name": name, "corporate_number": number})
        _remember("vendor", number, (None, vendor.pk))
        _remember("row:affiliations.vendor", vendor.pk, vendor)  # the serializer's look-up of the row's vendor
        return vendor.pk
    except DomainError as exc:
        fields = {"name": name_field, "corporate_number": number_field}
        raise DomainError(*[FieldProblem(fields.get(p.field, name_field), p.code, p.message)
                            for p in exc.problems]) from None


def vendors_by_number_at_once(rows: list[dict[str, str]]) -> None:
    """Every 法人番号 a file names, looked up in one query before its rows are read one by one."""
    columns = [c for c in _expert_spec_columns() if c.field.endswith("_vendor_number")]
    numbers = {parse_corporate_number(_cell(row, column)) for row in rows for column in columns} - {""}
    found = {number: (merged, pk) for number, merged, pk in Vendor.objects.filter(corporate_number__in=numbers)
             .values_list("corporate_number", "merged_into_id", "pk")}
    for number in numbers:
        _remember("vendor", number, found.get(number))


def combine_affiliations(data: dict, actor: User) -> dict:
    """所属事業者1, its 法人番号, 関係1, 退職日1 (and 2) as the affiliations list the serializer takes."""
    affiliations = []
    for n in (1, 2):
        name = data.pop(f"aff{n}_vendor", None)
        number = data.pop(f"aff{n}_vendor_number", None)
        relation = data.pop(f"aff{n}_relation", None)
        ended_on = data.pop(f"aff{n}_ended_on", None)
        vendor = _vendor_for(actor=actor, n=n, name=name, number=number)
        if vendor or relation:
            affiliations.append({"vendor": vendor, "relation": relation, "ended_on": ended_on or None})
    if affiliations:
        data["affiliations"] = affiliations
    return data


def fee_in_its_unit(data: dict, _actor: User) -> dict:
    """The offered fee as the need form takes it: a yearly or monthly amount in 万円, a daily or hourly one in yen."""
    text = data.get("fee_amount")
    if isinstance(text, str):
        basis = data.get("fee_basis")
        if basis in (FeeBasis.ANNUAL, FeeBasis.MONTHLY):
            data["fee_amount"] = parse_man_yen(text)
        else:
            plain = text.replace(",", "")
            data["fee_amount"] = int(plain) if plain.isascii() and plain.isdigit() else text
    return data


def scheme_by_name(data: dict) -> dict:
    """The planned funding scheme named as the register names it, in the need's prefecture: its id for the
    serializer; a name it does not know is passed on for the serializer to refuse, naming the field."""
    name = data.get("funding_scheme")
    if not isinstance(name, str):
        return data
    if not name.strip():
        data["funding_scheme"] = None
        return data
    municipality = data.get("municipality")
    scheme = _remembered("scheme", (name.strip(), municipality), lambda: FundingScheme.objects.filter(
        name=name.strip(), prefecture__municipalities__code=municipality, active=True).values_list("pk", flat=True).first())
    data["funding_scheme"] = scheme if scheme is not None else name
    return data


def need_fields_in_their_units(data: dict, actor: User) -> dict:
    return scheme_by_name(fee_in_its_unit(data, actor))


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[str], object] = str
    example: str = ""
    how: str = ""  # what to write, for the template's instruction sheet
    aliases: tuple[str, ...] = ()  # headers of earlier templates, still read


@dataclass(frozen=True)
class ImportSpec:
    name: str
    columns: tuple[Column, ...]
    serializer: type
    write: Callable  # (actor, data) -> object, the service that writes one row
    # (actor, rows) -> objects: the same service for many rows at once, each checked and audited as `write` does;
    # a refused row's DomainError carries `row_index` (issue 26: 2,000 rows in seconds)
    write_many: Callable | None = None
    sheet: str = ""  # the data sheet's title in the template; the importer reads it when present
    # several columns into one field; (data, actor) -> data, may register a vendor or raise a DomainError for the row
    combine: Callable[[dict, User], dict] = staticmethod(lambda data, actor: data)
    # (rows) -> None: look up at once what the rows will ask of the register one by one (issue 26)
    prepare: Callable[[list[dict[str, str]]], None] | None = None

    def header_for(self, field: str) -> str:
        root = field.split(".")[0].split("[")[0]
        if root == "affiliations" and "[" in field:  # affiliations[0].vendor -> 所属事業者1
            n = int(field.split("[")[1].split("]")[0]) + 1
            leaf = field.rsplit(".", 1)[-1] if "." in field else "vendor"
            root = f"aff{n}_{leaf}"
        return next((c.header for c in self.columns if c.field == root), root)


def template_xlsx(spec: ImportSpec) -> bytes:
    """The data sheet (headers and one example row) and an instruction sheet: what each column takes."""
    instructions = (_("記入方法"), [_("列"), _("書き方"), _("例")],
                    [[c.header, str(c.how), c.example] for c in spec.columns])
    return xlsx_bytes(title=spec.sheet or spec.name, header=[c.header for c in spec.columns],
                      rows=[[c.example for c in spec.columns]], more_sheets=[instructions])


def template_csv(spec: ImportSpec) -> bytes:
    return csv_bytes(header=[c.header for c in spec.columns], rows=[[c.example for c in spec.columns]])


@dataclass(frozen=True)
class ImportLimits:
    """How much one upload may hold; settings override the defaults."""

    max_bytes: int
    max_unzipped_bytes: int
    max_rows: int
    max_columns: int
    max_seconds: float

    @classmethod
    def from_settings(cls) -> "ImportLimits":
        return cls(
            max_bytes=getattr(settings, "KENMU_IMPORT_MAX_BYTES", 2_000_000),
            max_unzipped_bytes=getattr(settings, "KENMU_IMPORT_MAX_UNZIPPED_BYTES", 50_000_000),
            max_rows=getattr(settings, "KENMU_IMPORT_MAX_ROWS", 2_000),
            max_columns=getattr(settings, "KENMU_IMPORT_MAX_COLUMNS", 60),
            max_seconds=getattr(settings, "KENMU_IMPORT_MAX_SECONDS", 20),
        )


@dataclass(frozen=True)
class Deadline:
    """The wall-time budget of one import, checked between rows while reading and validating."""

    file_name: str
    seconds: float
    at: float

    @classmethod
    def start(cls, *, file_name: str, seconds: float) -> "Deadline":
        return cls(file_name, seconds, time.monotonic() + seconds)

    def check(self) -> None:
        if time.monotonic() >= self.at:
            if self.file_name:
                raise _file_problem(ErrorCode.TIMEOUT, interpolate(
                    gettext_lazy("ファイル「%(name)s」の読み取りと検証が制限時間（%(seconds)s秒）を超えたため、"
                                 "取り込みを中止しました。ファイルを分けて取り込んでください。"),
                    name=self.file_name, seconds=f"{self.seconds:g}"))
            raise _file_problem(ErrorCode.TIMEOUT, interpolate(
                gettext_lazy("ファイルの読み取りと検証が制限時間（%(seconds)s秒）を超えたため、"
                             "取り込みを中止しました。ファイルを分けて取り込んでください。"),
                seconds=f"{self.seconds:g}"))


NO_FILE = FieldProblem("file", ErrorCode.REQUIRED, gettext_lazy("ファイルを選んでください。"))


def _file_problem(code: str, message) -> BilingualValidationError:
    return BilingualValidationError.of(FieldProblem("file", code, message), row=None, column=None)


def _check_imports(actor: User) -> None:
    """Coordinators (and administrators) import; each row's service then holds the row to their prefecture."""
    if not is_coordinator(actor):
        raise ForbiddenError.single("file", ErrorCode.NOT_COORDINATOR, gettext_lazy("取り込みができるのはコーディネーターのみです。"))


def import_upload(*, spec: ImportSpec, actor: User, upload) -> list:
    """Read and import one upload within one time budget."""
    _check_imports(actor)
    limits = ImportLimits.from_settings()
    deadline = Deadline.start(file_name=_file_name(upload), seconds=limits.max_seconds)
    return import_rows(spec=spec, actor=actor, rows=read_rows(upload, deadline=deadline), deadline=deadline)


def read_rows(upload, *, deadline: Deadline | None = None) -> list[dict[str, str]]:
    """Rows of a .xlsx or .csv upload as {header: text}; blank rows skipped.

    Every way a file can be too big, mislabelled or corrupt is a 400 that names the file.
    """
    name = _file_name(upload)
    limits = ImportLimits.from_settings()
    deadline = deadline or Deadline.start(file_name=name, seconds=limits.max_seconds)
    suffix = name.lower().rpartition(".")[2]
    if suffix not in ("xlsx", "csv"):
        raise _file_problem(ErrorCode.INVALID, gettext_lazy("ファイルは .xlsx か .csv にしてください。"))
    raw = _read_bounded(upload, name=name, limits=limits)
    read_table = _xlsx_table if suffix == "xlsx" else _csv_table
    try:
        table = read_table(raw, name=name, limits=limits, deadline=deadline)
    except (BilingualValidationError, DomainError):
        raise
    except Exception:  # a corrupt file can fail anywhere inside zipfile, openpyxl's XML parsing or csv
        logger.info("import: %s could not be read", name, exc_info=True)
        raise _file_problem(ErrorCode.UNREADABLE, interpolate(
            gettext_lazy("ファイル「%(name)s」を読み取れませんでした。テンプレートを使ってください。"), name=name)) from None
    if not table:
        raise _file_problem(ErrorCode.EMPTY, interpolate(
            gettext_lazy("ファイル「%(name)s」にデータがありません（空のファイルです）。"), name=name))
    headers = table[0]
    return [dict(zip(headers, row, strict=False)) for row in table[1:]]


def _file_name(upload) -> str:
    return getattr(upload, "name", "") or "upload"


def _read_bounded(upload, *, name: str, limits: ImportLimits) -> bytes:
    """The upload's bytes, refused before reading them all when it is over the size limit."""
    size = getattr(upload, "size", None)
    if size is None or size <= limits.max_bytes:
        raw = upload.read(limits.max_bytes + 1)
        if len(raw) <= limits.max_bytes:
            return raw
    raise _file_problem(ErrorCode.TOO_LARGE, interpolate(
        gettext_lazy("ファイル「%(name)s」は大きすぎます。取り込めるファイルは %(limit)s バイトまでです。"),
        name=name, limit=f"{limits.max_bytes:,}"))


def _xlsx_table(raw: bytes, *, name: str, limits: ImportLimits, deadline: Deadline) -> list[list[str]]:
    _check_workbook_archive(raw, name=name, limits=limits)
    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError):
        raise _not_a_workbook(name) from None
    try:
        sheet = workbook.active
        data_sheets = [ws for ws in workbook.worksheets if ws.title in DATA_SHEETS]
        if data_sheets:  # the template's data sheet, even when the workbook was saved on its instructions
            sheet = data_sheets[0]
        if not isinstance(sheet, ReadOnlyWorksheet):
            raise _file_problem(ErrorCode.NO_WORKSHEET, interpolate(
                gettext_lazy("ファイル「%(name)s」で開いているシートがワークシートではありません（グラフシートなど）。"
                             "取り込むデータのシートを選んだ状態で保存してください。"), name=name))
        _check_declared_range(sheet, name=name, limits=limits)
        rows = sheet.iter_rows(max_col=limits.max_columns + 1, values_only=True)
        return _table(rows, name=name, limits=limits, deadline=deadline)
    finally:
        workbook.close()


def _not_a_workbook(name: str) -> BilingualValidationError:
    return _file_problem(ErrorCode.NOT_A_WORKBOOK, interpolate(
        gettext_lazy("ファイル「%(name)s」は Excel ブック（.xlsx）ではありません。Excel 97-2003 形式（.xls）などの場合は、"
                     ".xlsx 形式で保存し直してください。"), name=name))


def _check_workbook_archive(raw: bytes, *, name: str, limits: ImportLimits) -> None:
    """A .xlsx is a zip archive; refuse anything else, and archives that would unpack to far too much."""
    if not raw.startswith(XLSX_MAGIC):
        raise _not_a_workbook(name)
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise _not_a_workbook(name) from None
    if unpacked > limits.max_unzipped_bytes:
        raise _file_problem(ErrorCode.TOO_LARGE, interpolate(
            gettext_lazy("ファイル「%(name)s」は展開すると %(unpacked)s バイトになり、上限の %(limit)s バイトを超えます。"),
            name=name, unpacked=f"{unpacked:,}", limit=f"{limits.max_unzipped_bytes:,}"))


def _check_declared_range(sheet: ReadOnlyWorksheet, *, name: str, limits: ImportLimits) -> None:
    """Refuse a sheet whose declared used range is absurd before iterating over it."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > (limits.max_rows + 1) * DECLARED_RANGE_SLACK or columns > limits.max_columns * DECLARED_RANGE_SLACK:
        raise _file_problem(ErrorCode.TOO_LARGE, interpolate(
            gettext_lazy("ファイル「%(name)s」のシート「%(sheet)s」は使用範囲が %(rows)s 行 × %(columns)s 列あり、"
                         "取り込める大きさ（%(max_rows)s 行・%(max_columns)s 列）を大きく超えています。"
                         "不要な行や列を削除してください。"),
            name=name, sheet=sheet.title, rows=f"{rows:,}", columns=f"{columns:,}", max_rows=f"{limits.max_rows:,}",
            max_columns=limits.max_columns))


def _csv_table(raw: bytes, *, name: str, limits: ImportLimits, deadline: Deadline) -> list[list[str]]:
    if b"\x00" in raw:
        raise _file_problem(ErrorCode.NULL_CHARACTER, interpolate(
            gettext_lazy("ファイル「%(name)s」に NUL 文字が含まれています。CSV（UTF-8 または Shift_JIS）で保存し直してください。"),
            name=name))
    return _table(csv.reader(io.StringIO(_decode_csv(raw, name=name))), name=name, limits=limits,
                  deadline=deadline)


def _decode_csv(raw: bytes, *, name: str) -> str:
    """UTF-8 (with or without a BOM) first, then cp932: what Japanese Excel saves as "CSV"."""
    encodings = ("utf-8-sig",) if raw.startswith(codecs.BOM_UTF8) else ("utf-8", "cp932")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_problem(ErrorCode.ENCODING, interpolate(
        gettext_lazy("ファイル「%(name)s」の文字コードを読み取れませんでした。UTF-8 または Shift_JIS で保存してください。"),
        name=name))


def _table(rows: Iterable[Sequence], *, name: str, limits: ImportLimits, deadline: Deadline) -> list[list[str]]:
    """The header row and at most max_rows non-blank rows as stripped text; stops at the first row over a limit."""
    table = []
    for number, row in enumerate(rows, start=1):
        deadline.check()
        cells = ["" if value is None else str(value).strip() for value in row]
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > limits.max_columns:
            raise _file_problem(ErrorCode.TOO_MANY_COLUMNS, interpolate(
                gettext_lazy("ファイル「%(name)s」の %(row)s 行目は列が多すぎます。取り込める列は %(limit)s 列までです。"),
                name=name, row=number, limit=limits.max_columns))
        if table and not cells:
            continue
        table.append(cells)
        if len(table) - 1 > limits.max_rows:
            raise _file_problem(ErrorCode.TOO_MANY_ROWS, interpolate(
                gettext_lazy("ファイル「%(name)s」のデータ行が多すぎます。一度に取り込めるのは %(limit)s 行までです。"
                             "ファイルを分けて取り込んでください。"), name=name, limit=f"{limits.max_rows:,}"))
    return table


def _cell(row: dict[str, str], column: Column) -> str:
    for header in (column.header, *column.aliases):
        if header in row:
            return (row.get(header) or "").strip()
    return ""


def _row_data(spec: ImportSpec, row: dict[str, str], actor: User) -> dict:
    data = {}
    for column in spec.columns:
        text = _cell(row, column)
        if text:
            data[column.field] = column.parse(text)
    return spec.combine(data, actor)


def _row_errors(spec: ImportSpec, number: int, exc: DomainError) -> list[dict]:
    return [{**p.as_error(), "row": number, "column": spec.header_for(p.field)} for p in exc.problems]


# DRF's generic messages name neither the column nor the value (「主キー "ながの" は不正です」, 「この項目はnullに
# できません。」, issue 21): an import says which column and what was written there, in the column's unit.
GENERIC_CODES = ("required", "null", "blank", "does_not_exist", "incorrect_type", "invalid_choice", "not_a_list",
                 "empty", "invalid", "max_value", "min_value")
IMPORT_WORDS = {
    "required": gettext_lazy("%(column)sを入力してください。"),
    "null": gettext_lazy("%(column)sを入力してください。"),
    "blank": gettext_lazy("%(column)sを入力してください。"),
    "not_a_list": gettext_lazy("%(column)sを1つ以上入力してください。"),
    "empty": gettext_lazy("%(column)sを1つ以上入力してください。"),
    "does_not_exist": gettext_lazy("%(column)sの「%(value)s」が見つかりません。記入方法のシートのとおりに書いてください。"),
    "incorrect_type": gettext_lazy("%(column)sの「%(value)s」が見つかりません。記入方法のシートのとおりに書いてください。"),
    "invalid_choice": gettext_lazy("%(column)sの「%(value)s」は選べません。記入方法のシートのとおりに書いてください。"),
    "invalid": gettext_lazy("%(column)sの「%(value)s」は数字として読めません。半角の数字で書いてください。"),
    "max_value": gettext_lazy("%(column)sは%(limit)s以下で書いてください。"),
    "min_value": gettext_lazy("%(column)sは%(limit)s以上で書いてください。"),
}


@functools.cache
def _generic_patterns() -> dict[str, list[re.Pattern]]:
    """DRF's default messages (Japanese), as patterns: a message that matches one is DRF's, not ours."""
    patterns: dict[str, list[re.Pattern]] = {}
    with translation.override("ja"):
        for field in (serializers.IntegerField, serializers.ChoiceField, serializers.ListField,
                      serializers.CharField, PrimaryKeyRelatedField, ManyRelatedField):
            messages = {}
            for cls in reversed(field.__mro__):
                messages.update(getattr(cls, "default_error_messages", {}))
            for code in GENERIC_CODES:
                if code in messages:
                    text = re.escape(str(messages[code]))
                    patterns.setdefault(code, []).append(re.compile(re.sub(r"\\\{\w+\\\}", ".*", text) + "$"))
    return patterns


def _worded(error: dict, spec: ImportSpec, column: str, row: dict[str, str]) -> dict:
    """The error in words that name the column, what was written in it and a limit in the column's unit; a
    message of our own (which already says what to do) is kept."""
    code = error.get("code", "")
    if code not in IMPORT_WORDS or not any(p.match(error["ja"]) for p in _generic_patterns().get(code, ())):
        return {}
    by_header = {c.header: c for c in spec.columns}
    typed = _cell(row, by_header[column]) if column in by_header else ""
    limit = ""
    numbers = re.findall(r"-?\d+", (error.get("en") or "").replace(",", ""))
    if numbers:
        amount = int(numbers[-1])
        in_man = column in by_header and by_header[column].parse is parse_man_yen
        limit = f"{amount / 10_000:,g}" if in_man else f"{amount:,}"
    return in_both(interpolate(IMPORT_WORDS[code], column=column, value=typed[:40], limit=limit))


def check_header(spec: ImportSpec, rows: list[dict[str, str]]) -> None:
    """A file whose header is not the template's (an experts file uploaded as needs) is refused as a whole."""
    missing = [c.header for c in spec.columns[:1]
               if rows and not any(h in rows[0] for h in (c.header, *c.aliases))]
    if missing:
        raise _file_problem(ErrorCode.MISSING_HEADER, interpolate(
            gettext_lazy("見出しがテンプレートと違います（%(header)s がありません）。"), header=missing[0]))


def import_rows(*, spec: ImportSpec, actor: User, rows: list[dict[str, str]],
                deadline: Deadline | None = None, progress: Callable[[int], None] | None = None) -> list:
    """Validate every row; write all of them or none. Row numbers count the header as row 1."""
    _check_imports(actor)
    deadline = deadline or Deadline.start(file_name="", seconds=ImportLimits.from_settings().max_seconds)
    check_header(spec, rows)
    # One transaction for reading and writing: a vendor a row registers (an unknown 法人番号) is undone with the
    # rest when any row is refused.
    with transaction.atomic(), _remembering(), audit_deferred():
        if spec.prepare is not None:
            spec.prepare(rows)
        validated = _validated_rows(spec=spec, actor=actor, rows=rows, deadline=deadline, progress=progress)
        created = _written(spec=spec, actor=actor, validated=validated)
    return created


def _written(*, spec: ImportSpec, actor: User, validated: list[tuple[int, dict]]) -> list:
    if spec.write_many is None:
        created = []
        for number, data in validated:
            try:
                created.append(spec.write(actor=actor, data=data))
            except DomainError as exc:
                raise BilingualValidationError(_row_errors(spec, number, exc)) from None
        return created
    try:
        return spec.write_many(actor=actor, rows=[data for _number, data in validated])
    except DomainError as exc:
        number = validated[getattr(exc, "row_index", 0)][0]
        raise BilingualValidationError(_row_errors(spec, number, exc)) from None


def _serializer_for(spec: ImportSpec, data: dict, reused: list):
    """The spec's input serializer bound to one row's data. Within an import one instance serves every row: DRF
    deep-copies a serializer's declared fields for each new instance, which cost more than validating the row
    (issue 26); the fields keep no state between two validations, and the row's own results are cleared."""
    if not reused:
        serializer = spec.serializer(data=data)
        if _memo.get() is not None:
            _remembering_related(serializer.fields)
        reused.append(serializer)
        return serializer
    serializer = reused[0]
    serializer.initial_data = data
    for result in ("_validated_data", "_errors", "_data"):
        serializer.__dict__.pop(result, None)
    return serializer


PROGRESS_EVERY = 100  # rows validated between two reports of an import's progress


def _validated_rows(*, spec: ImportSpec, actor: User, rows: list[dict[str, str]], deadline: Deadline,
                    progress: Callable[[int], None] | None = None) -> list:
    validated, errors, reused = [], [], []
    for number, row in enumerate(rows, start=2):
        deadline.check()
        if progress is not None and (number - 2) % PROGRESS_EVERY == 0 and number > 2:
            progress(number - 2)
        try:
            data = _row_data(spec, row, actor)
        except DomainError as exc:
            errors.extend(_row_errors(spec, number, exc))
            continue
        by_lang = {}
        for lang in ("ja", "en"):
            with translation.override(lang):
                serializer = _serializer_for(spec, data, reused)
                if serializer.is_valid():
                    break
                by_lang[lang] = serializer.errors
        if by_lang:
            for error in bilingual_errors(by_lang):
                column = spec.header_for(error["field"])
                errors.append({**error, **_worded(error, spec, column, row), "row": number, "column": column})
        else:
            validated.append((number, serializer.validated_data))
    if errors:
        raise BilingualValidationError(errors)
    if not validated:
        raise _file_problem(ErrorCode.NO_ROWS, gettext_lazy("データ行がありません。"))
    return validated


SKILL_HOW = gettext_lazy("スキル名:レベル（1〜3）を「、」で区切って。スキル名：企画・計画、調達、情報セキュリティ、ネットワーク、"
               "データ利活用、AI・RPA、標準化・ガバメントクラウド、業務改革(BPR)、人材育成、DX戦略")
FORMS_HOW = gettext_lazy("特別職非常勤職員、任期付短時間職員、会計年度任用職員、業務委託、委嘱 から1つ以上（「、」で区切って）")
WEEKDAYS_HOW = gettext_lazy("月火水木金土日 の文字を並べて（例：月火木）")
PREFECTURES_HOW = gettext_lazy("都道府県名を「、」で区切って（例：長野県、山梨県）")


def _expert_spec() -> ImportSpec:
    return ImportSpec("experts", _expert_spec_columns(), ExpertInputSerializer, expert_create, expert_create_many,
                      sheet="専門人材", combine=combine_affiliations, prepare=vendors_by_number_at_once)


def _expert_spec_columns() -> tuple[Column, ...]:
    return (
        Column("氏名", "name", example="山田 花子", how=gettext_lazy("必須")),
        Column("ふりがな", "name_kana", example="やまだ はなこ"),
        Column("メールアドレス", "email", example="hanako@example.jp"),
        Column("電話番号", "phone", example="026-000-0000"),
        Column("対応都道府県", "serves_prefectures", parse_prefectures, "長野県、山梨県", how=PREFECTURES_HOW),
        Column("現地対応都道府県", "onsite_prefectures", parse_prefectures, "長野県", how=PREFECTURES_HOW),
        Column("年間稼働日数", "capacity_days", example="96", how=gettext_lazy("必須。年度あたりの日数（週1日なら48）")),
        Column("稼働曜日", "weekdays", parse_weekdays, "月火木", how=WEEKDAYS_HOW),
        Column("最大兼務数", "max_engagements", example="3", how=gettext_lazy("同時に引き受けられる任用の数（1〜20）")),
        Column("日額報酬の下限(円)", "daily_rate", example="50000", how=gettext_lazy("必須。1日あたり受け入れる最低の報酬（円）"),
               aliases=("日額報酬(円)",)),
        Column("自宅・拠点の市区町村", "home_municipality", parse_municipality, "松本市",
               how=gettext_lazy("市区町村名（同名があるときは「長野県長野市」）または団体コード。現地勤務の費用弁償の見積もりに使います。"
                                "空欄なら費用弁償は未算定")),
        Column("任用形態", "employment_forms", lambda t: parse_choice_list(t, EmploymentForm.choices),
               "特別職非常勤職員、業務委託", how=FORMS_HOW),
        Column("秘密保持誓約の署名日", "pool_pledge_signed_on", example="2026-04-01", how=gettext_lazy("署名済みなら日付（2026-04-01）")),
        Column("スキル", "skills", parse_skills, "情報セキュリティ:3、企画・計画:2", how=SKILL_HOW),
        Column("所属事業者1", "aff1_vendor",
               how=gettext_lazy("事業者名。法人番号が登録済みなら省略可、未登録なら必須（その名称で新しく登録します）")),
        Column("所属事業者1の法人番号", "aff1_vendor_number", parse_corporate_number,
               how=gettext_lazy("所属事業者があれば必須。13桁の法人番号（事業者はこの番号で照合します）")),
        Column("関係1", "aff1_relation", lambda t: parse_choice(t, AffiliationRelation.choices),
               how=gettext_lazy("在籍、兼業、元在籍 のいずれか")),
        Column("退職日1", "aff1_ended_on", example="", how=gettext_lazy("元在籍のときは必須（2025-06-30）")),
        Column("所属事業者2", "aff2_vendor", how=gettext_lazy("2社目があれば")),
        Column("所属事業者2の法人番号", "aff2_vendor_number", parse_corporate_number, how=gettext_lazy("2社目があれば必須")),
        Column("関係2", "aff2_relation", lambda t: parse_choice(t, AffiliationRelation.choices)),
        Column("退職日2", "aff2_ended_on"),
    )


def _need_spec() -> ImportSpec:
    return ImportSpec("needs", (
        Column("市区町村", "municipality", parse_municipality, "長野市",
               how=gettext_lazy("必須。市区町村名（同名があるときは「長野県長野市」）または団体コード"), aliases=("団体コード",)),
        Column("年度", "fiscal_year", example="2027", how=gettext_lazy("必須。西暦の年度（令和9年度なら2027）")),
        Column("役割", "role", lambda t: parse_choice(t, Role.choices), "CIO補佐官",
               how=gettext_lazy("CIO補佐官、CISO補佐官、情報化推進支援員、その他 のいずれか")),
        Column("件名", "title", example="CIO補佐官の募集"),
        Column("業務内容", "description", example="情報セキュリティポリシーの見直しと職員研修",
               how=gettext_lazy("任意。依頼したい業務の内容")),
        Column("勤務パターン", "pattern", lambda t: PATTERN_WORDS.get(t, t), "週", how=gettext_lazy("週、月、年 のいずれか")),
        Column("日数", "pattern_days", example="1", how=gettext_lazy("週・月・年あたりの日数")),
        Column("勤務可能曜日", "weekdays", parse_weekdays, "月火水木金", how=WEEKDAYS_HOW),
        Column("現地勤務", "onsite_required", lambda t: t.lower() in YES, "要", how=gettext_lazy("要 または 空欄")),
        Column("現地勤務の日数", "onsite_days", example="12",
               how=gettext_lazy("現地勤務が要のときの年間の日数。空欄ならすべての勤務日を現地とします")),
        Column("年間予算(万円)", "budget", parse_man_yen, "240", how=gettext_lazy("必須。万円で（240万円なら240）")),
        Column("提示報酬の定め方", "fee_basis", lambda t: parse_choice(t, FeeBasis.choices), "",
               how=gettext_lazy("年額、月額、日額、時間額 のいずれか。空欄なら報酬を提示しません（人材の日額報酬の下限×日数）")),
        Column("提示報酬の額", "fee_amount", example="",
               how=gettext_lazy("年額・月額は万円で（240万円なら240）、日額・時間額は円で（日額5万円なら50000）")),
        Column("1日の時間数", "fee_hours_per_day", example="", how=gettext_lazy("時間額のときのみ（例：7.75）")),
        Column("報酬額は消費税込み", "fee_includes_tax", lambda t: t.lower() in YES, "",
               how=gettext_lazy("業務委託で税込の額なら はい、それ以外は空欄")),
        Column("必須スキル", "required_skills", parse_skills, "情報セキュリティ:2", how=SKILL_HOW),
        Column("歓迎スキル", "desired_skills", parse_skills, "企画・計画:2", how=SKILL_HOW),
        Column("任用形態", "employment_forms", lambda t: parse_choice_list(t, EmploymentForm.choices),
               "特別職非常勤職員", how=FORMS_HOW),
        Column("優先度", "priority", example="3", how=gettext_lazy("1（低）〜5（高）")),
        Column("予定の財源", "funding_scheme", example="",
               how=gettext_lazy("任意。都道府県の財源の名称（例：地域力創造アドバイザー（外部専門家））。空欄なら役割に応じた既定")),
    ), NeedInputSerializer, need_submit, need_submit_many, sheet="ニーズ", combine=need_fields_in_their_units)


DATA_SHEETS = ("専門人材", "ニーズ")
SPECS = {"experts": _expert_spec, "needs": _need_spec}
