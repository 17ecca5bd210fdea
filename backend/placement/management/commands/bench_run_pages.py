"""Time the pages and API of a prefecture run and a national run (issue 26, step 3): each view N times through
Django's test client, with its queries and how many of them read the run's stored instance, result or report.

The runs are built as `bench_runs` builds them (generated data, run as the worker runs it) and rolled back."""

import logging
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from backend.accounts.models import User, UserRole
from backend.geo.models import Prefecture
from backend.placement.benchmark import benchmark_run
from matching.generate import generate

HEAVY = ("instance", "result", "report")
# Pages render without collectstatic, as in the tests (the manifest's lookup is a dict read either way).
PLAIN_STATIC = {**settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


def _views(run) -> list[tuple[str, str]]:
    return [
        ("page", reverse("frontend:run", kwargs={"pk": run.pk})),
        ("page progress", reverse("frontend:run-progress", kwargs={"pk": run.pk})),
        ("api run", f"/api/v1/runs/{run.pk}/"),
        ("api report", f"/api/v1/runs/{run.pk}/report/"),
        ("api proposals", f"/api/v1/runs/{run.pk}/proposals/"),
    ]


def heavy_reads(queries) -> dict[str, int]:
    """How many of these queries read each big JSON column of the run."""
    return {column: sum(1 for q in queries if f'"runs_matchrun"."{column}"' in q["sql"].split(" FROM ")[0])
            for column in HEAVY}


def measure(client: Client, url: str, repeat: int) -> dict:
    response = client.get(url)  # warm: templates compiled, caches filled
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return {"ms": statistics.median(walls), "cpu_ms": statistics.median(cpus), "queries": len(queries),
            "db_ms": sum(float(q["time"]) for q in queries.captured_queries) * 1000,
            "reads": heavy_reads(queries.captured_queries), "kb": len(response.content) / 1024}


class Command(BaseCommand):
    help = ("Time the run page, its partial and the run API on a prefecture run and a national run (median ms, "
            "queries, reads of the stored instance/result/report), national beside prefecture; rolled back.")

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=10)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--time-limit", type=int, default=60)

    def handle(self, *args, repeat, seed, time_limit, **options):
        logging.getLogger("axes").setLevel(logging.WARNING)  # a line per force_login otherwise
        figures: dict[tuple[str, str, str], dict] = {}
        sizes = {}
        for scale in ("prefecture", "national"):
            instance = generate(scale, seed=seed, prefecture="20")
            scope = ["20"] if scale == "prefecture" else list(Prefecture.objects.values_list("code", flat=True))
            with benchmark_run(instance=instance, scope=scope, time_limit_s=time_limit) as (run, _load, _run), \
                    override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=PLAIN_STATIC):
                admin = User.objects.create(username="bench-admin", role=UserRole.ADMIN)
                sizes[scale] = (len(run.instance["needs"]), len(run.instance["experts"]), run.proposals.count())
                for reader, user in (("coordinator", run.started_by), ("admin", admin)):
                    client = Client()
                    client.force_login(user)
                    for name, url in _views(run):
                        figures[scale, reader, name] = measure(client, url, repeat)
        for scale, (needs, experts, proposals) in sizes.items():
            self.stdout.write(f"{scale}: {needs} needs, {experts} experts, {proposals} proposals")
        self.stdout.write(f"median of {repeat} views each (ms: wall, cpu: this process, db: the queries of one more "
                          "view); reads = SELECTs of the run's instance/result/report")
        self.stdout.write(f"{'reader':<12}{'view':<15}{'pref ms':>8}{'nat ms':>8}{'ratio':>7}{'pref cpu':>9}"
                          f"{'nat cpu':>8}{'cpu ratio':>10}{'pref db':>8}{'nat db':>7}{'pref q':>7}{'nat q':>6}"
                          f"{'pref kB':>8}{'nat kB':>7}  nat reads i/r/rep")
        for reader in ("coordinator", "admin"):
            for name, _url in _views(run):
                p, n = figures["prefecture", reader, name], figures["national", reader, name]
                reads = "/".join(str(n["reads"][c]) for c in HEAVY)
                self.stdout.write(
                    f"{reader:<12}{name:<15}{p['ms']:>8.1f}{n['ms']:>8.1f}{n['ms'] / p['ms']:>6.2f}×"
                    f"{p['cpu_ms']:>9.1f}{n['cpu_ms']:>8.1f}{n['cpu_ms'] / p['cpu_ms']:>9.2f}×"
                    f"{p['db_ms']:>8.1f}{n['db_ms']:>7.1f}{p['queries']:>7}{n['queries']:>6}{p['kb']:>8.0f}{n['kb']:>7.0f}  {reads}")
