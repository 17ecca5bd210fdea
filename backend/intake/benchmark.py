"""End-to-end benchmark of the spreadsheet import (issue 26, step 4: 2,000 valid rows ≤ 10 s, ≤ 100 MB).

Each kind's file is generated from the register (valid rows of 長野県, varied as a coordinator's real sheet
would be: names, municipalities, skills, affiliations to registered and to new vendors), uploaded through
`import_upload` — the function the API and the page call — and everything is rolled back, so the benchmark
leaves the database as it found it. Memory is the process's peak resident set above what it held just before
the import (Linux's VmHWM, reset through /proc/self/clear_refs), so it counts openpyxl, the rows and Django's
objects alike, as a worker or a request would feel them.
"""

import gc
import random
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import override_settings

from backend.accounts.models import User, UserRole
from backend.core.spreadsheet import csv_bytes, xlsx_bytes
from backend.core.validators import corporate_number_check_digit
from backend.funding.models import FundingScheme
from backend.geo.models import Municipality
from backend.intake.imports import SPECS, ImportSpec, import_upload
from backend.procurement.models import Vendor
from backend.procurement.names import vendor_name_key

PREFECTURE = "20"
SKILLS = ["企画・計画", "調達", "情報セキュリティ", "ネットワーク", "データ利活用", "AI・RPA", "人材育成", "DX戦略"]
FORMS = ["特別職非常勤職員", "任期付短時間職員", "会計年度任用職員", "業務委託", "委嘱"]
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
GIVEN = ["花子", "太郎", "健", "美咲", "翔", "陽子", "大輔", "由美", "誠", "彩"]
REGISTERED_VENDORS = 50
BENCH_MAX_SECONDS = 900


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class ImportBenchmark:
    kind: str
    file_format: str
    rows: int
    file_bytes: int
    seconds: float
    cpu_seconds: float
    queries: int
    peak_mb: float
    created: int


def _number(n: int) -> str:
    body = f"{8_100_000_000 + n:012d}"
    return corporate_number_check_digit(body) + body


def _skills(rng: random.Random, k: int) -> str:
    return "、".join(f"{s}:{rng.randint(1, 3)}" for s in rng.sample(SKILLS, k))


def expert_rows(n: int, *, rng: random.Random, towns: list[str]) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        row = {
            "氏名": f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}{i}", "ふりがな": "", "メールアドレス": f"bench{i}@example.jp",
            "電話番号": "026-000-0000", "対応都道府県": rng.choice(["長野県", "長野県、山梨県", "長野県、新潟県"]),
            "現地対応都道府県": "長野県", "年間稼働日数": str(rng.choice([48, 96, 144])),
            "稼働曜日": "".join(rng.sample("月火水木金", 3)), "最大兼務数": str(rng.randint(1, 5)),
            "日額報酬の下限(円)": str(rng.randrange(30_000, 80_000, 1_000)), "自宅・拠点の市区町村": rng.choice(towns),
            "任用形態": "、".join(rng.sample(FORMS, 2)), "秘密保持誓約の署名日": "2026-04-01" if i % 2 else "",
            "スキル": _skills(rng, rng.randint(1, 4)),
        }
        if i % 3 == 0:  # a registered vendor, by its number
            row.update({"所属事業者1": "", "所属事業者1の法人番号": _number(i % REGISTERED_VENDORS), "関係1": "在籍"})
        elif i % 3 == 1:  # a vendor the file registers
            row.update({"所属事業者1": f"ベンチ情報システム{i}株式会社", "所属事業者1の法人番号": _number(1000 + i),
                        "関係1": "兼業"})
        rows.append(row)
    return rows


def need_rows(n: int, *, rng: random.Random, towns: list[str], schemes: list[str]) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        weekly = rng.random() < 0.6
        days = rng.randint(1, 3) if weekly else rng.randint(1, 4)
        fee_basis = rng.choice(["", "", "年額", "日額"])
        row = {
            "市区町村": rng.choice(towns), "年度": "2027", "役割": rng.choice(["CIO補佐官", "CISO補佐官", "情報化推進支援員"]),
            "件名": f"デジタル人材の募集 {i}", "業務内容": "情報セキュリティポリシーの見直しと職員研修",
            "勤務パターン": "週" if weekly else "月", "日数": str(days), "勤務可能曜日": "月火水木金",
            "現地勤務": rng.choice(["要", ""]), "年間予算(万円)": str(rng.randrange(200, 600, 10)),
            "提示報酬の定め方": fee_basis, "提示報酬の額": {"": "", "年額": "150", "日額": "10000"}[fee_basis],
            "必須スキル": _skills(rng, 1), "歓迎スキル": "", "任用形態": rng.choice(FORMS),
            "優先度": str(rng.randint(1, 5)), "予定の財源": rng.choice(schemes) if schemes and i % 4 == 0 else "",
        }
        rows.append(row)
    return rows


def bench_file(spec: ImportSpec, rows: list[dict[str, str]], file_format: str) -> bytes:
    header = [c.header for c in spec.columns]
    table = [[row.get(h, "") for h in header] for row in rows]
    if file_format == "csv":
        return csv_bytes(header=header, rows=table)
    return xlsx_bytes(title=spec.sheet, header=header, rows=table)


def _bench_setup() -> tuple[User, list[str], list[str]]:
    """A coordinator of 長野県 and the vendors the expert rows name by number (rolled back with the rest)."""
    actor = User.objects.create(username="bench-imports-coordinator", role=UserRole.COORDINATOR,
                                prefecture_id=PREFECTURE)
    Vendor.objects.bulk_create([Vendor(name=f"登録済みベンチ{i}株式会社", name_key=vendor_name_key(f"登録済みベンチ{i}株式会社"),
                                       corporate_number=_number(i)) for i in range(REGISTERED_VENDORS)])
    # as a clerk writes them: the name alone, or with the prefecture where another municipality shares it
    names = Counter(Municipality.objects.values_list("name", flat=True))
    towns = sorted(name if names[name] == 1 else f"長野県{name}"
                   for name in Municipality.objects.filter(prefecture_id=PREFECTURE).values_list("name", flat=True))
    schemes = list(FundingScheme.objects.filter(prefecture_id=PREFECTURE, active=True).values_list("name", flat=True))
    return actor, towns, schemes


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def import_benchmark(*, kind: str, file_format: str, rows: int, seed: int = 0) -> ImportBenchmark:
    """One import of `rows` valid rows of `kind` as a `file_format` upload, end to end, rolled back."""
    spec = SPECS[kind]()
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    result = None
    # The request's time budget (KENMU_IMPORT_MAX_SECONDS) would stop a slow import before it could be measured.
    try:
        with override_settings(KENMU_IMPORT_MAX_SECONDS=BENCH_MAX_SECONDS), transaction.atomic():
            actor, towns, schemes = _bench_setup()
            rng = random.Random(seed)
            table = (expert_rows(rows, rng=rng, towns=towns) if kind == "experts"
                     else need_rows(rows, rng=rng, towns=towns, schemes=schemes))
            content = bench_file(spec, table, file_format)
            del table
            gc.collect()
            idle_kb = _rss_kb("VmRSS")
            peak_known = _reset_peak()
            cpu, wall = time.process_time(), time.perf_counter()
            with connection.execute_wrapper(count):
                created = import_upload(spec=spec, actor=actor,
                                        upload=SimpleUploadedFile(f"bench.{file_format}", content))
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            peak_kb = _rss_kb("VmHWM") if peak_known else _rss_kb("VmRSS")
            result = ImportBenchmark(kind=kind, file_format=file_format, rows=rows, file_bytes=len(content),
                                     seconds=wall, cpu_seconds=cpu, queries=queries,
                                     peak_mb=max(0, peak_kb - idle_kb) / 1024, created=len(created))
            raise _Rollback
    except _Rollback:
        pass
    return result
