"""Reachability checks and the heartbeat. Nothing here touches personal data."""

import logging
from datetime import datetime

from celery import current_app
from django.db import connection
from django.db.models import F
from django.utils import timezone

from .models import Heartbeat

logger = logging.getLogger(__name__)

BEAT = "beat"


def record_heartbeat(*, now: datetime | None = None, name: str = BEAT) -> None:
    now = now or timezone.now()
    updated = Heartbeat.objects.filter(name=name).update(
        last_run_at=now, run_count=F("run_count") + 1
    )
    if not updated:
        Heartbeat.objects.get_or_create(name=name, defaults={"last_run_at": now, "run_count": 1})


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.warning("health check: database unreachable", exc_info=True)
        return False


def broker_ok(timeout: float = 2.0) -> bool:
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
        return True
    except Exception:
        logger.warning("health check: broker unreachable", exc_info=True)
        return False


def status(*, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    db_ok = database_ok()
    beat = Heartbeat.objects.filter(name=BEAT).first() if db_ok else None
    report = {
        "database": "ok" if db_ok else "unreachable",
        "broker": "ok" if broker_ok() else "unreachable",
        "heartbeat": {
            "last_run_at": beat.last_run_at.isoformat() if beat else None,
            "age_seconds": round((now - beat.last_run_at).total_seconds()) if beat else None,
            "run_count": beat.run_count if beat else 0,
        },
    }
    report["status"] = (
        "ok" if report["database"] == "ok" and report["broker"] == "ok" else "unavailable"
    )
    return report
