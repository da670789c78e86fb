from django.apps import AppConfig


class Config(AppConfig):
    name = "property_ops"
    default_auto_field = "django.db.models.BigAutoField"
