import json
import sys

from django.core.management.base import BaseCommand, CommandError

import matching
from backend.geo.models import Prefecture
from backend.placement.instance import scope_instance
from backend.runs.scope import run_previous, scope_key


class Command(BaseCommand):
    help = ("Write the kenmu.instance/3 document for one or several prefectures and a fiscal year, exactly as a "
            "run would solve it now (pins, forbids, exceptions, fixed engagements, previous assignments).")

    def add_arguments(self, parser):
        parser.add_argument("--prefecture", action="append", required=True,
                            help="2-digit prefecture code; repeat for a regional pool")
        parser.add_argument("--fiscal-year", type=int, required=True)
        parser.add_argument("--time-limit", type=int, default=30)
        parser.add_argument("--run-by", help="the prefecture that runs the match (its travel rate); default: the "
                                             "first --prefecture")
        parser.add_argument("--lead", choices=[",".join(lead) for lead in matching.ALLOWED_LEADS],
                            default=",".join(matching.DEFAULT_LEAD), help="the run's lead, e.g. coverage,priority")
        parser.add_argument("-o", "--output", default="-")

    def handle(self, *args, prefecture, fiscal_year, time_limit, output, run_by, lead, **options):
        codes = [c.zfill(2) for c in prefecture]
        unknown = sorted(set(codes) - set(Prefecture.objects.filter(code__in=codes).values_list("code", flat=True)))
        if unknown:
            raise CommandError(f"--prefecture: unknown prefecture code(s) {', '.join(unknown)}")
        run_by = run_by.zfill(2) if run_by else codes[0]
        if run_by not in codes:
            raise CommandError(f"--run-by: {run_by} is not one of the --prefecture codes")
        document = scope_instance(prefecture_codes=codes, fiscal_year=fiscal_year, time_limit_s=time_limit,
                                  previous_run=run_previous(scope_key=scope_key(codes, fiscal_year)),
                                  run_by=run_by, lead=tuple(lead.split(",")))
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if output == "-":
            sys.stdout.write(text + "\n")
        else:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"{len(document['needs'])} needs, {len(document['experts'])} experts -> {output}")
