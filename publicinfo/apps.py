from django.apps import AppConfig


class PublicInfoConfig(AppConfig):
    name = "publicinfo"
    verbose_name = "Public information for victims and witnesses"
