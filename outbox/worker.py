"""A send and its record are not cut apart by the death of the worker's main process.

Celery's pool processes are told by the kernel when their parent dies (prctl's parent-death
signal); Celery asks for SIGKILL, so `kill -9` of a worker killed a pool process between handing
an email over and recording it sent: the row stayed claimed, and ten minutes later was either
sent again (twice) or, if the kill came before the hand-over, sent late. Here the parent's death
arrives as SIGTERM instead, and a pool process inside `unbroken()` finishes the section (the send
and its record take milliseconds) and only then hands the signal to the pool's own handler
(billiard's, which exits cleanly); anywhere else the pool's handler has it at once, as before.

What this cannot cover is every process of the worker killed at the same instant (the machine
lost, the kernel's OOM killer choosing the pool process): the claim then expires and the message
is sent again with the same Message-ID, at least once rather than lost.
"""

import contextlib
import os
import signal
from collections.abc import Iterator

from billiard.util import set_pdeathsig

_protected = False  # a Celery pool process (worker_process_init)
_depth = 0
_asked_to_die: tuple | None = None  # (signum, frame) of a SIGTERM held until the section ends
_pool_handler = signal.SIG_DFL  # the handler ours stands in front of


def _hand_on(signum, frame) -> None:
    """Let the pool's own handler have the signal (or, with none, die of it)."""
    signal.signal(signal.SIGTERM, _pool_handler)
    if callable(_pool_handler):
        _pool_handler(signum, frame)
    else:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)


def _on_sigterm(signum, frame) -> None:
    global _asked_to_die
    if _depth:
        _asked_to_die = (signum, frame)
    else:
        _hand_on(signum, frame)


def protect_pool_process() -> None:
    """In each pool process as it starts (Celery's worker_process_init)."""
    global _protected
    _protected = True
    with contextlib.suppress(OSError):  # not Linux: the parent's death is not signalled at all
        set_pdeathsig(signal.SIGTERM)


def _stand_in_front() -> None:
    # Installed at the first section, not at start: billiard resets the pool process's signal
    # handlers after Celery's worker_process_init has run.
    global _pool_handler
    current = signal.getsignal(signal.SIGTERM)
    if current is not _on_sigterm:
        _pool_handler = current
        signal.signal(signal.SIGTERM, _on_sigterm)


@contextlib.contextmanager
def unbroken() -> Iterator[None]:
    """A section a SIGTERM waits for, in a pool process: it is handled as the section ends."""
    global _depth, _asked_to_die
    if _protected:
        _stand_in_front()
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _asked_to_die is not None:
            held, _asked_to_die = _asked_to_die, None
            _hand_on(*held)
