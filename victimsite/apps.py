from django.apps import AppConfig


class VictimSiteConfig(AppConfig):
    name = "victimsite"
    verbose_name = "Victim pages: language and privacy"
