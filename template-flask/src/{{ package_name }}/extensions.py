"""The application's extensions, created once here and bound to the app in `create_app`."""

from dataclasses import dataclass

from flask import Flask, current_app
from flask_cors import CORS

from .core.config import Settings
from .core.email import Mailer
from .core.security import Passwords, Tokens
from .core.throttle import FailureCounter, LoginThrottle
from .database import Database


@dataclass
class _SecurityState:
    passwords: Passwords
    tokens: Tokens
    login_throttle: LoginThrottle
    mailer: Mailer


class Security:
    """Password hashing, JWTs, the failed-login throttle and the mail of the application."""

    def init_app(self, app: Flask, settings: Settings) -> None:
        app.extensions["security"] = _SecurityState(
            passwords=Passwords(settings),
            tokens=Tokens(settings),
            login_throttle=LoginThrottle(
                FailureCounter(settings.login_max_failures, settings.login_window_seconds),
                FailureCounter(
                    settings.login_address_max_failures, settings.login_address_window_seconds
                ),
            ),
            mailer=Mailer(settings.email_url, settings.email_from),
        )

    @property
    def passwords(self) -> Passwords:
        return self._state().passwords

    @property
    def tokens(self) -> Tokens:
        return self._state().tokens

    @property
    def login_throttle(self) -> LoginThrottle:
        return self._state().login_throttle

    @property
    def mailer(self) -> Mailer:
        return self._state().mailer

    @staticmethod
    def _state() -> _SecurityState:
        state: _SecurityState = current_app.extensions["security"]
        return state


db = Database()
security = Security()
cors = CORS()
