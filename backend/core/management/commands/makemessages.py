"""makemessages that also reads `_l(...)`, the alias frontend/forms.py uses for gettext_lazy.

Without it the field labels of form messages were never extracted: they kept their English only while
another call happened to carry the same text, and `--no-obsolete` dropped them when that call changed.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
