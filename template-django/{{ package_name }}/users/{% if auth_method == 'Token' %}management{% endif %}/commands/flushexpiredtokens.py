"""`manage.py flushexpiredtokens`: delete the API tokens past their expiry (`make purge-tokens`;
run it daily, e.g. from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from ...api_tokens import purge_expired


class Command(BaseCommand):
    help = "Delete the API tokens past their expiry."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = purge_expired()
        self.stdout.write(f"Deleted {purged} expired API tokens.")
