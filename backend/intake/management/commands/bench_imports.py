import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from backend.intake.benchmark import import_benchmark

HEADER = (f"{'kind':<8}{'file':<6}{'rows':>6}{'bytes':>10}{'wall_s':>8}{'cpu_s':>8}{'queries':>9}{'peak_mb':>9}"
          f"{'created':>9}")


class Command(BaseCommand):
    help = ("Benchmark the spreadsheet import end to end (file → rows → validation → stored rows and audit) on "
            "generated valid rows of 長野県, through the function the API and the page call; everything is rolled "
            "back afterwards. Each kind and format runs in a process of its own, so that one's memory does not "
            "hide the next one's peak.")

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=["experts", "needs"], action="append")
        parser.add_argument("--format", choices=["xlsx", "csv"], action="append", dest="formats")
        parser.add_argument("--rows", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--no-header", action="store_true", help=("print the row only (how the command runs "
                                                                      "each case in a process of its own)"))

    def handle(self, *args, kind, formats, rows, seed, no_header, **options):
        cases = [(k, f) for k in kind or ["experts", "needs"] for f in formats or ["xlsx", "csv"]]
        if not no_header:
            self.stdout.write(HEADER)
        if len(cases) > 1:
            for k, f in cases:
                done = subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), "bench_imports",
                                       "--kind", k, "--format", f, "--rows", str(rows), "--seed", str(seed),
                                       "--no-header"], capture_output=True, text=True, check=False)
                self.stdout.write(done.stdout.strip() if done.returncode == 0 else
                                  f"{k:<8}{f:<6} failed: {done.stderr.strip().splitlines()[-1:]}")
            return
        ((k, f),) = cases
        b = import_benchmark(kind=k, file_format=f, rows=rows, seed=seed)
        self.stdout.write(f"{b.kind:<8}{b.file_format:<6}{b.rows:>6}{b.file_bytes:>10,}{b.seconds:>8.2f}"
                          f"{b.cpu_seconds:>8.2f}{b.queries:>9,}{b.peak_mb:>9.1f}{b.created:>9}")
