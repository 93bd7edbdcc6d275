from django.db import models


class Heartbeat(models.Model):
    """The last time a periodic task ran on a worker: proof that beat and the workers are alive."""

    name = models.CharField(max_length=50, unique=True)
    last_run_at = models.DateTimeField()
    run_count = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return self.name
