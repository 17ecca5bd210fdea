"""Excel/CSV import of experts and needs for coordinators: every row validated, all or nothing.

A sheet has Japanese headers (the downloadable template). Each row becomes the same input the
API takes, validated by the same serializer in Japanese and English; errors name the row and the
column. Nothing is written unless every row is valid, and then all rows are written in one
transaction through the same services the API uses.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation
from openpyxl import load_workbook

from backend.core.api import BilingualValidationError, bilingual_errors
from backend.core.choices import EmploymentForm, Role, Weekday, WorkPattern
from backend.core.spreadsheet import csv_bytes, xlsx_bytes

WEEKDAY_KANJI = {str(label): value for value, label in Weekday.choices}
PATTERN_WORDS = {"週": WorkPattern.WEEKLY, "月": WorkPattern.MONTHLY, "年": WorkPattern.YEARLY}
YES = {"要", "必要", "はい", "yes", "true", "1", "○"}


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
    by_label = {str(label): value for value, label in choices}
    return [by_label.get(part, part) for part in split_list(text)]


def parse_skills(text: str) -> dict:
    """'security:3 planning:2'. A level that is not a number is passed on for the serializer to reject."""
    skills = {}
    for part in split_list(text):
        name, _, level = part.partition(":")
        skills[name] = int(level) if level.isdigit() else level
    return skills


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[str], object] = str
    example: str = ""


@dataclass(frozen=True)
class ImportSpec:
    name: str
    columns: tuple[Column, ...]
    serializer: type
    write: Callable  # (user, data) -> object

    def header_for(self, field: str) -> str:
        root = field.split(".")[0].split("[")[0]
        return next((c.header for c in self.columns if c.field == root), root)


def template_xlsx(spec: ImportSpec) -> bytes:
    return xlsx_bytes(title=spec.name, header=[c.header for c in spec.columns],
                      rows=[[c.example for c in spec.columns]])


def template_csv(spec: ImportSpec) -> bytes:
    return csv_bytes(header=[c.header for c in spec.columns], rows=[[c.example for c in spec.columns]])


def _file_problem(ja: str, en: str) -> BilingualValidationError:
    return BilingualValidationError([{"field": "file", "code": "invalid", "ja": ja, "en": en, "row": None,
                                      "column": None}])


def read_rows(upload) -> list[dict[str, str]]:
    """Rows of a .xlsx or .csv upload as {header: text}; blank rows skipped."""
    name = (getattr(upload, "name", "") or "").lower()
    raw = upload.read()
    try:
        if name.endswith(".xlsx"):
            sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).active
            table = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
        elif name.endswith(".csv"):
            text = raw.decode("utf-8-sig") if not raw.startswith(b"\x82") else raw.decode("cp932")
            table = [[v.strip() for v in row] for row in csv.reader(io.StringIO(text))]
        else:
            raise _file_problem("ファイルは .xlsx か .csv にしてください。", "Upload a .xlsx or .csv file.")
    except (UnicodeDecodeError, csv.Error, OSError, KeyError, ValueError) as exc:
        if isinstance(exc, BilingualValidationError):
            raise
        raise _file_problem("ファイルを読み取れませんでした。テンプレートを使ってください。",
                            f"The file could not be read ({type(exc).__name__}); use the template.") from None
    if not table:
        raise _file_problem("ファイルが空です。", "The file is empty.")
    headers = table[0]
    return [dict(zip(headers, row, strict=False)) for row in table[1:] if any(row)]


def _row_data(spec: ImportSpec, row: dict[str, str]) -> dict:
    data = {}
    for column in spec.columns:
        text = (row.get(column.header) or "").strip()
        if text:
            data[column.field] = column.parse(text)
    return data


def import_rows(*, spec: ImportSpec, user, rows: list[dict[str, str]]) -> list:
    """Validate every row; write all of them or none. Row numbers count the header as row 1."""
    missing = [c.header for c in spec.columns[:1] if rows and c.header not in rows[0]]
    if missing:
        raise _file_problem(f"見出しがテンプレートと違います（{missing[0]} がありません）。",
                            f"The headers do not match the template ({missing[0]} is missing).")
    validated, errors = [], []
    for number, row in enumerate(rows, start=2):
        data = _row_data(spec, row)
        by_lang = {}
        for lang in ("ja", "en"):
            with translation.override(lang):
                serializer = spec.serializer(data=data)
                if serializer.is_valid():
                    break
                by_lang[lang] = serializer.errors
        if by_lang:
            for error in bilingual_errors(by_lang):
                errors.append({**error, "row": number, "column": spec.header_for(error["field"])})
        else:
            validated.append((number, serializer.validated_data))
    if errors:
        raise BilingualValidationError(errors)
    if not validated:
        raise _file_problem("データ行がありません。", "The file has no data rows.")
    created = []
    with transaction.atomic():
        for number, data in validated:
            try:
                created.append(spec.write(user=user, data=data))
            except Exception as exc:
                from backend.core.errors import DomainError

                if not isinstance(exc, DomainError):
                    raise
                raise BilingualValidationError([
                    {"field": p.field, "code": p.code, "ja": p.ja, "en": p.en, "row": number,
                     "column": spec.header_for(p.field)} for p in exc.problems]) from None
    return created


def _expert_spec() -> ImportSpec:
    from backend.experts.serializers import ExpertInputSerializer
    from backend.experts.services import expert_create

    return ImportSpec("experts", (
        Column("氏名", "name", example="山田 花子"),
        Column("ふりがな", "name_kana", example="やまだ はなこ"),
        Column("メールアドレス", "email", example="hanako@example.jp"),
        Column("電話番号", "phone"),
        Column("対応都道府県", "serves_prefectures", split_list, "20 19"),
        Column("現地対応都道府県", "onsite_prefectures", split_list, "20"),
        Column("年間稼働日数", "capacity_days", example="96"),
        Column("稼働曜日", "weekdays", parse_weekdays, "月火木"),
        Column("最大兼務数", "max_engagements", example="3"),
        Column("日額報酬(円)", "daily_rate", example="50000"),
        Column("任用形態", "employment_forms", lambda t: parse_choice_list(t, EmploymentForm.choices),
               "特別職非常勤職員 業務委託"),
        Column("秘密保持誓約の署名日", "pledge_signed_on", example="2026-04-01"),
        Column("スキル", "skills", parse_skills, "security:3 planning:2"),
    ), ExpertInputSerializer, expert_create)


def _need_spec() -> ImportSpec:
    from backend.needs.serializers import NeedInputSerializer
    from backend.needs.services import need_submit

    return ImportSpec("needs", (
        Column("団体コード", "municipality", example="202011"),
        Column("年度", "fiscal_year", example="2027"),
        Column("役割", "role", lambda t: parse_choice_list(t, Role.choices)[0], "CIO補佐官"),
        Column("件名", "title", example="CIO補佐官の募集"),
        Column("勤務パターン", "pattern", lambda t: PATTERN_WORDS.get(t, t), "週"),
        Column("日数", "pattern_days", example="1"),
        Column("勤務可能曜日", "weekdays", parse_weekdays, "月火水木金"),
        Column("現地勤務", "onsite_required", lambda t: t.lower() in YES, "要"),
        Column("年間予算(円)", "budget", example="2400000"),
        Column("必須スキル", "required_skills", parse_skills, "security:2"),
        Column("歓迎スキル", "desired_skills", parse_skills, "planning:2"),
        Column("任用形態", "employment_forms", lambda t: parse_choice_list(t, EmploymentForm.choices),
               "特別職非常勤職員"),
        Column("優先度", "priority", example="3"),
    ), NeedInputSerializer, need_submit)


SPECS = {"experts": _expert_spec, "needs": _need_spec}
