"""How a long-running web process keeps Python's garbage collector out of the way of requests.

A Django request allocates tens of thousands of short-lived objects. With the default
thresholds the collector runs full passes over everything loaded at start-up every few requests,
which showed as 50-100 ms spikes in the pages' 95th percentile at force scale (see the README's
performance section). After start-up the loaded modules are frozen out of collection and the
young generation collects less often; the memory cost is a few megabytes per worker."""

import gc

YOUNG_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
