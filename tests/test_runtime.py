import gc
import importlib

from victimcare.runtime import YOUNG_THRESHOLD, tune_garbage_collector


def test_the_web_process_freezes_what_it_loaded_and_collects_young_objects_less_often():
    before = gc.get_threshold()
    try:
        tune_garbage_collector()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_the_wsgi_application_is_loaded_with_the_collector_tuned():
    before = gc.get_threshold()
    try:
        import victimcare.wsgi

        importlib.reload(victimcare.wsgi)  # as a worker loads it, even if a test imported it
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
