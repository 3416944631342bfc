"""Data access and the rules around it, free of HTTP."""
