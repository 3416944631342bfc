from django.apps import AppConfig
from django.core import checks

from .email import check_mail_is_sent


class CoreConfig(AppConfig):
    """What every app of the project shares; an app for its management commands."""

    name = f"{__package__}"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        checks.register(check_mail_is_sent, checks.Tags.security, deploy=True)
