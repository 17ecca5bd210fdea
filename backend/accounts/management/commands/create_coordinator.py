"""Create a prefecture coordinator and print their one-time set-password link (nothing is mailed)."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from backend.accounts.services import coordinator_create
from backend.core.errors import DomainError
from backend.geo.models import Prefecture


def prefecture_named(text: str) -> Prefecture:
    """A prefecture by code ("20", "4" -> "04") or name ("長野県", or "長野")."""
    text = text.strip()
    code = text.zfill(2) if text.isdigit() else None
    found = list(Prefecture.objects.filter(Q(code=code) | Q(name=text) | Q(name__in=[f"{text}県", f"{text}府",
                                                                                    f"{text}都"])))
    if len(found) != 1:
        raise CommandError(f"no single prefecture is called {text!r} (give its code 01-47 or its name)")
    return found[0]


class Command(BaseCommand):
    help = ("Create a coordinator of one prefecture and print a one-time link, valid 7 days, to set the "
            "password. Example: manage.py create_coordinator tanaka tanaka@pref.nagano.lg.jp 長野県")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument("prefecture", help="code (20) or name (長野県)")
        parser.add_argument("--language", choices=["ja", "en"], default="ja")

    def handle(self, *args, username, email, prefecture, language, **options):
        pref = prefecture_named(prefecture)
        try:
            user, link = coordinator_create(actor=None, username=username, email=email, prefecture=pref,
                                            language=language)
        except DomainError as exc:
            raise CommandError(exc.problems[0].en) from None
        self.stdout.write(f"Coordinator {user.username} of {pref.name} created. "
                          f"Set the password within 7 days, once, at:\n{link}")
