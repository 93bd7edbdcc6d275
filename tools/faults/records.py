"""What the fault harness reads and writes in its private database, through the app's models.

Imported by Harness.orm() once Django is set up against the harness's own PostgreSQL and Redis
(their addresses are known only after they start), so the models are imported here, at module
level, and the harness itself imports no app.
"""

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Count, Q
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks

from accounts.models import Role, User, UserRole
from cases.models import Contact, Party
from notifications.models import UNDELIVERED, Delivery, Kind, Notification
from referrals.models import OPEN_REFERRAL_STATUSES, Referral, ReferralStatus, SupportAgency

SENT = Delivery.SENT
# A reminder to someone who takes no email is not due to be sent.
NOT_DUE = (Delivery.OFF, Delivery.SKIPPED)


def quiet_schedules(every_seconds: int) -> None:
    """Only the outbox's own sweep and the heartbeat run, the sweep every few seconds."""
    PeriodicTask.objects.exclude(task__in=["notifications.redeliver", "health.heartbeat"]).update(
        enabled=False
    )
    every, _ = IntervalSchedule.objects.get_or_create(
        every=every_seconds, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.filter(task="notifications.redeliver").update(interval=every)
    PeriodicTasks.update_changed()


def seed(*, officers: int, password: str) -> list[tuple[str, list, list]]:
    """Clear the way for the faults; returns, for the officers who will use the API, their user
    name, (case, party) pairs to record contacts on, and referrals they may withdraw."""
    with connection.cursor() as cursor:
        # Every open duty out of the sweeps' reach, so that each fault's sweep sends exactly
        # the duties the harness brings due; and no reminders from before.
        cursor.execute(
            "UPDATE entitlements_duty SET due_at = now() - interval '60 days' "
            "WHERE status IN ('due', 'missed')"
        )
        cursor.execute("DELETE FROM notifications_notification")
    # Each agency has someone to hear of a withdrawn referral.
    for agency in SupportAgency.objects.all():
        user = User.objects.create(
            username=f"faults-agency-{agency.pk}",
            email=f"agency{agency.pk}@agency.example",
            agency=agency,
        )
        UserRole.objects.create(user=user, role=Role.AGENCY)
    # Officers with the most referrals waiting for an answer sign in with a password; each
    # records contacts on their cases, and withdraws referrals during the broker outage: open
    # ones that were sent.
    waiting = Count(
        "cases_in_charge__referrals",
        filter=Q(
            cases_in_charge__referrals__status__in=OPEN_REFERRAL_STATUSES,
            cases_in_charge__referrals__sent_at__isnull=False,
        ),
    )
    chosen = list(
        User.objects.filter(role_grants__role=Role.OFFICER)
        .annotate(waiting=waiting)
        .order_by("-waiting", "id")[:officers]
    )
    User.objects.filter(pk__in=[o.pk for o in chosen]).update(password=make_password(password))
    found = []
    for officer in chosen:
        parties = list(
            Party.objects.filter(case__officer=officer).values_list("case_id", "id")[:50]
        )
        referrals = list(
            Referral.objects.filter(
                case__officer=officer, status__in=OPEN_REFERRAL_STATUSES, sent_at__isnull=False
            ).values_list("id", flat=True)[:100]
        )
        found.append((officer.username, parties, referrals))
    return found


def bring_due(count: int) -> list[int]:
    """Put `count` open duties an hour past their deadline; returns their ids."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE entitlements_duty SET due_at = now() - interval '1 hour' WHERE id IN "
            "(SELECT d.id FROM entitlements_duty d WHERE d.status IN ('due', 'missed') "
            "AND d.due_at < now() - interval '30 days' ORDER BY d.id LIMIT %s) RETURNING id",
            [count],
        )
        return [row[0] for row in cursor.fetchall()]


def reminders_about(duties: list[int]) -> list[int]:
    return list(Notification.objects.filter(duty_id__in=duties).values_list("id", flat=True))


def sent_count(ids: list[int]) -> int:
    return Notification.objects.filter(pk__in=ids, email_status=Delivery.SENT).count()


def any_unsent(ids: list[int]) -> bool:
    return Notification.objects.filter(pk__in=ids, email_status__in=UNDELIVERED).exists()


def delivery_statuses(ids: list[int]) -> dict[int, str]:
    return dict(Notification.objects.filter(pk__in=ids).values_list("id", "email_status"))


def contacts_marked(mark: str) -> int:
    return Contact.objects.filter(summary__startswith=mark).count()


def withdrawn(referral_ids: list[int]) -> int:
    return Referral.objects.filter(pk__in=referral_ids, status=ReferralStatus.WITHDRAWN).count()


def withdrawal_notices(referral_ids: list[int]) -> list[int]:
    return list(
        Notification.objects.filter(
            referral_id__in=referral_ids, kind=Kind.REFERRAL_WITHDRAWN
        ).values_list("id", flat=True)
    )
