from django.db import models


class TimestampedModel(models.Model):
    """`created_at` (indexed: lists may be ordered by it) and `updated_at`, set by Django."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
