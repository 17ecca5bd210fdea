from django.core.management.base import BaseCommand

from backend.geo.services import register_load


class Command(BaseCommand):
    help = "Load (or refresh) the 47 prefectures and 1,741 municipalities from fixtures/. Idempotent."

    def handle(self, *args, **options):
        result = register_load()
        self.stdout.write(
            f"prefectures: {result.prefectures}, municipalities: {result.municipalities} "
            f"(created {result.created}, updated {result.updated})"
        )
