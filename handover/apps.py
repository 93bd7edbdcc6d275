from django.apps import AppConfig


class HandOverConfig(AppConfig):
    name = "handover"
    verbose_name = "Hand-over to the Witness Care Unit"
