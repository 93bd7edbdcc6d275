from django.core.management.base import BaseCommand

from retention import services


class Command(BaseCommand):
    help = "Give every case a retention class and review date, and mark those due for review."

    def handle(self, *args, **options):
        result = services.assign_retention()
        self.stdout.write(
            f"{result['created']} assigned, {result['moved']} review dates moved, "
            f"{result['due']} newly due for review."
        )
