"""Settings by environment: base (shared), local (development), test and production.

manage.py, wsgi.py and asgi.py pick the module from ENVIRONMENT (see config/env.py); set
DJANGO_SETTINGS_MODULE to override.
"""
