"""manage.py bench_runs runs a match end to end as the worker runs it (database → instance → solve → stored
proposals), prints what it measured and keeps nothing: run here on the prefecture scale."""

from io import StringIO

import pytest
from django.core.management import call_command

from backend.runs.models import MatchRun, Proposal

pytestmark = pytest.mark.django_db


def test_the_run_benchmark_runs_a_prefecture_match_and_keeps_none_of_it():
    before = (MatchRun.objects.count(), Proposal.objects.count())
    out = StringIO()
    call_command("bench_runs", scale=["prefecture"], stdout=out)
    header, row = out.getvalue().splitlines()
    assert header.split()[:3] == ["scale", "needs", "experts"]
    fields = row.split()
    assert fields[0] == "prefecture" and fields[8] == "succeeded" and int(fields[-1]) > 0
    primary, bound = fields[9].split("/")
    assert int(primary) == int(bound)
    assert (MatchRun.objects.count(), Proposal.objects.count()) == before
