"""manage.py bench_imports (issue 26, step 4) imports a generated valid file end to end through the function the
API and the page call, prints what it measured and keeps nothing: run here on a few rows of each kind."""

from io import StringIO

import pytest
from django.core.management import call_command

from backend.core.models import AuditLog
from backend.experts.models import Expert
from backend.needs.models import Need

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("kind", "file_format"), [("needs", "csv"), ("experts", "xlsx")])
def test_the_import_benchmark_imports_every_generated_row_and_keeps_none(kind, file_format):
    before = (Expert.objects.count(), Need.objects.count(), AuditLog.objects.count())
    out = StringIO()
    call_command("bench_imports", kind=[kind], formats=[file_format], rows=12, stdout=out)
    header, row = out.getvalue().splitlines()
    fields = row.split()
    assert header.split()[:3] == ["kind", "file", "rows"]
    assert fields[:3] == [kind, file_format, "12"] and fields[-1] == "12"  # every row created, then rolled back
    assert (Expert.objects.count(), Need.objects.count(), AuditLog.objects.count()) == before
