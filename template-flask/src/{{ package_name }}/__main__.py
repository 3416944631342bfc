"""`python -m <package>`: serve the application on $HOST:$PORT with gunicorn (gthread)."""

import argparse
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from .core.config import Settings, get_settings


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured from the settings instead of its command line."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from .app import create_app

        return create_app()


def server_options(settings: Settings) -> dict[str, Any]:
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.web_concurrency,
        "worker_class": "gthread",
        "threads": settings.threads,
        "accesslog": "-" if settings.access_log else None,
        # X-Forwarded-Proto only from TRUSTED_PROXIES, the proxies the login throttle trusts.
        "forwarded_allow_ips": settings.trusted_proxies,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the API with gunicorn.")
    parser.add_argument(
        "--reload", action="store_true", help="Flask's development server, restarting on changes"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    if args.reload:
        from .app import create_app

        create_app(settings).run(settings.host, settings.port, debug=True)
        return
    Server(server_options(settings)).run()


if __name__ == "__main__":
    main()
