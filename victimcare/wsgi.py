import os

from django.core.wsgi import get_wsgi_application

from victimcare.runtime import tune_garbage_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")

application = get_wsgi_application()
tune_garbage_collector()
