"""HTTP: one blueprint per resource, plus auth, users, health and the API docs."""
