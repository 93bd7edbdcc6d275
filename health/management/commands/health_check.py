"""Exit non-zero when the database or broker is unreachable, or beat's heartbeat is stale.

Used by the container health checks of the worker and beat: a stale heartbeat means one of them
stopped doing its job even though its process is alive.
"""

from django.core.management.base import BaseCommand, CommandError

from health import services


class Command(BaseCommand):
    help = "Check the database, the broker and (optionally) the age of beat's heartbeat."

    def add_arguments(self, parser):
        parser.add_argument(
            "--max-heartbeat-age",
            type=int,
            default=None,
            help="Fail if the last heartbeat is older than this many seconds.",
        )

    def handle(self, *args, max_heartbeat_age=None, **options):
        report = services.status()
        if report["status"] != "ok":
            raise CommandError(
                f"unhealthy: database {report['database']}, broker {report['broker']}"
            )
        age = report["heartbeat"]["age_seconds"]
        if max_heartbeat_age is not None and (age is None or age > max_heartbeat_age):
            raise CommandError(f"heartbeat is stale: last seen {age} seconds ago")
        self.stdout.write("healthy")
