"""Development (ENVIRONMENT=development): the example secret is accepted here only.

DEBUG stays off unless asked for (DEBUG=true): the API answers JSON either way, and DEBUG keeps
every SQL query in memory.
"""

from config.env import env

from .base import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=False)
