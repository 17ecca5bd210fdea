from django.core.management.base import BaseCommand

from backend.demo.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo (長野県 and neighbours) once and print one login per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2027)

    def handle(self, *args, seed, **options):
        logins = demo_seed(seed=seed)
        self.stdout.write("Demo logins (password for all: %s):" % (logins[0].password if logins else "-"))
        for login in logins:
            self.stdout.write(f"  {login.role:<12} {login.username:<26} {login.scope}")
