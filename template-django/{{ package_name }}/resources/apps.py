from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = f"{__package__}"
    label = "resources"
    verbose_name = "Resources"
    default_auto_field = "django.db.models.BigAutoField"
