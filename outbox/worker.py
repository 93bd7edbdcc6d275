"""A send and its record are not cut apart by the death of the worker's main process.

Celery's pool processes are told by the kernel when their parent dies (prctl's parent-death
signal); Celery asks for SIGKILL, so `kill -9` of a worker killed a pool process between handing
an email over and recording it sent: the row stayed claimed, and ten minutes later was either
sent again (twice) or, if the kill came before the hand-over, sent late. Here the parent's death
arrives as SIGTERM instead, and a pool process inside `unbroken()` finishes the section (the send
and its record take milliseconds) before it dies; anywhere else it dies at once, as before.

What this cannot cover is every process of the worker killed at the same instant (the machine
lost, the kernel's OOM killer choosing the pool process): the claim then expires and the message
is sent again with the same Message-ID, at least once rather than lost.
"""

import contextlib
import os
import signal
from collections.abc import Iterator

from billiard.util import set_pdeathsig

_depth = 0
_asked_to_die = False


def _die() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _on_sigterm(signum, frame) -> None:
    global _asked_to_die
    if _depth:
        _asked_to_die = True
    else:
        _die()


def protect_pool_process() -> None:
    """In each pool process as it starts (Celery's worker_process_init)."""
    with contextlib.suppress(OSError):  # not Linux: the parent's death is not signalled at all
        set_pdeathsig(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _on_sigterm)


@contextlib.contextmanager
def unbroken() -> Iterator[None]:
    """A section a SIGTERM waits for: the process dies as it leaves, not inside."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _asked_to_die:
            _die()
