"""Which database a read goes to: the primary, or the reporting replica for a caller that asks.

The reporting pages (the compliance dashboard and the monthly packs) aggregate millions of duty
rows and the summary tables; with REPORTING_DATABASE_URL set they may read from a read-only
PostgreSQL replica instead, so that a force-wide twelve-month dashboard does not compete with
officers' writes for the primary.

Which reads go there is the caller's choice, made for a whole block (`with reporting_reads():`),
not the model's. The models a dashboard reads (Duty, Case, the summary tables) are read before
writes everywhere else (meeting a duty, the overdue worklist, a sweep), and a replica is behind
the primary by its replication lag: routed by model, those reads would see rows already changed.
A block sends all of its reads to one database, so a page's figures come from one moment (the
summary's rows and the duties whose deadline passed since its rebuild, together) and a subquery
never crosses databases, which Django refuses.

Writes always go to the primary, an object read from the replica included. Inside a transaction
on the primary, reads stay on the primary: the replica cannot see what the transaction wrote.
Without a replica every read goes to the primary, as before.
"""

import contextlib
import contextvars
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connections

REPORTING = "reporting"

_READS: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "victimcare_reporting_reads", default=None
)


def reporting_db() -> str:
    """The alias reporting reads use: the replica when one is configured, else the primary."""
    return REPORTING if REPORTING in connections.settings else DEFAULT_DB_ALIAS


@contextlib.contextmanager
def reporting_reads() -> Iterator[str]:
    """Every read in the block from reporting_db(), unless a transaction is open on the primary.
    For pages that only read; yields the alias read from."""
    alias = reporting_db()
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        alias = DEFAULT_DB_ALIAS
    token = _READS.set(alias)
    try:
        yield alias
    finally:
        _READS.reset(token)


class ReportingRouter:
    """DATABASE_ROUTERS: reads where reporting_reads() says (elsewhere, Django's own choice: the
    primary, or for a related object the database its instance came from); writes and
    migrations on the primary only."""

    def db_for_read(self, model, **hints) -> str | None:
        return _READS.get()

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the primary's rows: an object read from it may be linked to one
        # read from the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPORTING}:
            return True
        return None

    def allow_migrate(self, db, app_label, **hints) -> bool | None:
        # A replica's schema arrives by replication; migrating it would be a write.
        return False if db == REPORTING else None
