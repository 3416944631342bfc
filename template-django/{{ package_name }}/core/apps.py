from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app of the project shares; an app for its management commands."""

    name = f"{__package__}"
    label = "core"
    verbose_name = "Core"
