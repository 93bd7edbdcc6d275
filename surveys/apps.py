from django.apps import AppConfig

# cases sits below surveys: it publishes, surveys listens. (Its events.py imports no models, so
# it is safe to import before the apps are ready.)
from cases import events as case_events


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Victim and witness surveys"

    def ready(self) -> None:
        from . import services  # models are ready only now

        case_events.subscribe(case_events.PeopleMerged, services.on_people_merged)
