"""Orchestrator CLI of the Python backend template family."""
