from django.apps import AppConfig

# audit sits below cases: it asks who may see a case and who is in it through its register
# (which imports no models, so it is safe before the apps are ready).
from audit import subjects


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases, people and contacts"

    def ready(self) -> None:
        from . import audit_subjects  # models are ready only now

        subjects.register(audit_subjects)
