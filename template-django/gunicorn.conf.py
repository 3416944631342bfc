"""gunicorn settings (read from the working directory by `gunicorn config.wsgi`).

gthread workers keep connections alive and serve several requests per process; size them
with WEB_CONCURRENCY (processes) and GUNICORN_THREADS (threads per process).
"""

from config.env import env

bind = f"{env.str('HOST', default='127.0.0.1')}:{env.int('PORT', default=8000)}"
worker_class = "gthread"
workers = env.int("WEB_CONCURRENCY", default=1)
threads = env.int("GUNICORN_THREADS", default=4)
timeout = env.int("GUNICORN_TIMEOUT", default=30)
graceful_timeout = 10
# X-Forwarded-Proto only from TRUSTED_PROXIES, the reverse proxies in front of the app.
forwarded_allow_ips = env.str("TRUSTED_PROXIES", default="")
accesslog = "-" if env.bool("ACCESS_LOG", default=False) else None
errorlog = "-"
