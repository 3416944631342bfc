"""`python -m <package>`: serve the application on $HOST:$PORT."""

import argparse

import uvicorn

from .core.config import get_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the API with uvicorn.")
    parser.add_argument("--reload", action="store_true", help="restart on code changes (dev)")
    args = parser.parse_args(argv)
    settings = get_settings()
    uvicorn.run(
        f"{__package__}.main:app",
        host=settings.host,
        port=settings.port,
        reload=args.reload,
        workers=None if args.reload else settings.web_concurrency,
        access_log=settings.access_log,
        # X-Forwarded-For and -Proto only from TRUSTED_PROXIES, like the login throttle.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies,
    )


if __name__ == "__main__":
    main()
