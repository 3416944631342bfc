"""Request and response models (Pydantic)."""
