"""`manage.py verify_audit`: walk the audit log's hash chain; exit 1 naming the first row that does not match."""

from django.core.management.base import BaseCommand, CommandError

from backend.core.audit_verify import audit_chain_verify

PROBLEMS = {
    "content": "its content is not what was hashed when it was written (the row was changed)",
    "link": "it does not follow the row before it (a row before it was removed, inserted or reordered)",
}


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; exits non-zero naming the first row that does not match."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if report.broken is not None:
            raise CommandError(f"audit row {report.broken.row_id} does not match: "
                               f"{PROBLEMS[report.broken.problem]}; {report.rows - 1} rows before it verified")
        self.stdout.write(f"audit log verified: {report.rows} rows, chain head {report.last_hash}")
