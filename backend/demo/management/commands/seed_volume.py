"""`manage.py seed_volume`: the load benchmark's national volume in the database the settings name.

So that a running quick start (`python3 kenmu.py serve`) can be measured as `benchmarks.load` measures its own
server (docs/benchmarks.md). It adds a system administrator `demo-admin` with the demo password: refused under
production settings unless `--allow-production` says the database is a throw-away one (`benchmarks.load` does).
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backend.demo.demo import demo_exists
from backend.demo.volume import ADMIN_USERNAME, SCALES, volume_seed, volume_summary
from matching.generate import generate


class Command(BaseCommand):
    help = ("Add the load benchmark's volume on top of the demo: generated needs and experts, a national "
            f"instance, two national match runs by {ADMIN_USERNAME} (demo password). Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="national",
                            help="national (default: what benchmarks.load measures) or small (no generated data: the runs over the demo alone)")
        parser.add_argument("--allow-production", action="store_true",
                            help="run under production settings too (a throw-away database only: it adds a user "
                                 "with a published password)")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print what the database holds as one JSON line")

    def handle(self, *args, scale, allow_production, as_json, **options):
        if settings.SETTINGS_MODULE.endswith(".production") and not allow_production:
            raise CommandError(f"refusing to add {ADMIN_USERNAME} with the demo password under production settings "
                               f"({settings.SETTINGS_MODULE}); pass --allow-production for a throw-away database")
        if not demo_exists():
            raise CommandError("the volume goes on top of the demo: run `manage.py seed_demo` first")
        seconds = volume_seed(generate=generate, scale=scale)
        if as_json:
            self.stdout.write(json.dumps({"seconds": seconds, **volume_summary()}, ensure_ascii=False, default=str))
        elif seconds:
            done = ", ".join(f"{step} {value:.1f} s" for step, value in seconds.items())
            self.stdout.write(f"volume added ({done}); sign in as {ADMIN_USERNAME} with the demo password")
        else:
            self.stdout.write("the volume is already there; nothing added")

