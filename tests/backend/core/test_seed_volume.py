"""`manage.py seed_volume`: the benchmark's volume on the database the settings name, once."""

import pytest
from django.core.management import CommandError, call_command

from backend.accounts.models import User, UserRole
from backend.demo.demo import demo_seed
from backend.demo.volume import ADMIN_USERNAME
from backend.engagements.models import Engagement
from backend.needs.models import Need
from backend.runs.models import MatchRun, RunStatus


def test_seed_volume_adds_the_administrator_and_two_national_runs_once(db):
    demo_seed(year=False)
    call_command("seed_volume", scale="small")
    admin = User.objects.get(username=ADMIN_USERNAME)
    assert admin.role == UserRole.ADMIN and admin.check_password("kenmu-demo")
    runs = MatchRun.objects.filter(started_by=admin)
    assert runs.count() == 2 and {run.status for run in runs} == {RunStatus.SUCCEEDED}
    assert all(len(run.scope) == 47 for run in runs)
    counts = (Need.objects.count(), MatchRun.objects.count(), Engagement.objects.count(), User.objects.count())
    assert counts[2] > 0  # the coordinator approved the last run's proposals
    call_command("seed_volume", scale="small")
    assert (Need.objects.count(), MatchRun.objects.count(), Engagement.objects.count(),
            User.objects.count()) == counts


def test_seed_volume_refuses_production_settings_without_the_flag(settings):
    settings.SETTINGS_MODULE = "backend.config.settings.production"
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("seed_volume", scale="small")
