from django.core.management.base import BaseCommand

from backend.geo.models import Prefecture
from backend.placement.benchmark import run_benchmark
from matching.generate import generate

SCALES = {"prefecture": ["20"], "national": None}


class Command(BaseCommand):
    help = ("Benchmark match runs end to end (database → instance → solve → stored proposals) on generated "
            "data; everything is rolled back afterwards.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), action="append")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--time-limit", type=int, default=60)

    def handle(self, *args, scale, seed, time_limit, **options):
        header = (f"{'scale':<11}{'needs':>6}{'experts':>8}{'load_s':>8}{'instance_s':>11}{'solve_s':>9}"
                  f"{'store_s':>9}{'run_s':>8}  status      primary/bound  proposals")
        self.stdout.write(header)
        for name in scale or ["prefecture", "national"]:
            instance = generate(name, seed=seed, prefecture="20")
            codes = SCALES[name] or list(Prefecture.objects.values_list("code", flat=True))
            b = run_benchmark(instance=instance, scope=codes, time_limit_s=time_limit)
            self.stdout.write(
                f"{name:<11}{b.needs:>6}{b.experts:>8}{b.load_s:>8.2f}{b.instance_s:>11.2f}{b.solve_s:>9.2f}"
                f"{b.store_s:>9.2f}{b.total_s:>8.2f}  {b.status:<11} {b.primary}/{b.bound:<10} {b.proposals}")
