"""List the vendors that look like one (the same 法人番号 or folded name) for a coordinator to merge or dismiss."""

from django.core.management.base import BaseCommand

from backend.procurement.services import vendor_duplicates_find


class Command(BaseCommand):
    help = "List vendor entries that look like one legal entity on the vendors page (issue 21)."

    def handle(self, *args, **options):
        added = vendor_duplicates_find()
        self.stdout.write(f"{added} new pair(s) of likely duplicate vendors listed.")
