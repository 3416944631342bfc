"""The data model of a spec, as the templates and the CLI see it.

* ``naming``: the names derived from the spec (``snake``, ``kebab``, ``pascal``, ``plural``);
* ``literals``: one escaping function per language a spec value is written into;
* ``rules``: the checks of a spec that JSON Schema cannot express, one line per problem;
* ``model``: the normalised models the templates render (``resources``), with the mapping of
  each spec field type onto SQLAlchemy, Alembic and Pydantic;
* ``endpoints``: CRUD entries of ``api_endpoints`` and the custom ones;
* ``imports``, ``layout``: import blocks and line layout, so that rendered code is ruff-formatted;
* ``django``: the Django renderings of the same model;
* ``options``: the registry of options (questions, spec fields, values and what they go with);
* ``evolve``: a changed spec against the migrated data model, and the migration between them;
* ``managers``: the dependency managers (commands, lock files, development tools);
* ``databases``: the databases (DATABASE_URL in each place, the server compose and CI start);
* ``brokers``: the brokers of a task queue (BROKER_URL in each place, the server compose starts);
* ``extension``: the Jinja extension that gives all of it to copier's templates.

It depends on nothing but the standard library and Jinja, so ``copier copy`` works without the
CLI installed.
"""

from . import brokers, databases, evolve, managers
from .endpoints import CRUD_OPERATIONS, Endpoint, custom_endpoints, public_operations, request_sample
from .extension import SpecContextHook, SpecModelExtension, environment
from .literals import (
    json_string,
    markdown_text,
    python_docstring,
    python_literal,
    python_string,
    toml_string,
    yaml_string,
)
from .model import FIELD_TYPES, Field, Relation, Resource, resources
from .naming import constant, kebab, pascal, plural, singular, snake
from .options import (
    BY_QUESTION,
    MATRIX_QUESTIONS,
    OPTIONS,
    Option,
    Value,
    combinations,
    complete,
    option_errors,
    pairwise,
    spec_option_errors,
    switch,
)
from .rules import api_endpoint_errors, api_prefix_errors, database_errors, model_errors, project_name_errors

__all__ = [
    "BY_QUESTION",
    "CRUD_OPERATIONS",
    "FIELD_TYPES",
    "MATRIX_QUESTIONS",
    "OPTIONS",
    "Endpoint",
    "Field",
    "Option",
    "Relation",
    "Resource",
    "SpecContextHook",
    "SpecModelExtension",
    "Value",
    "api_endpoint_errors",
    "api_prefix_errors",
    "brokers",
    "combinations",
    "complete",
    "constant",
    "custom_endpoints",
    "database_errors",
    "databases",
    "environment",
    "evolve",
    "json_string",
    "kebab",
    "managers",
    "markdown_text",
    "model_errors",
    "option_errors",
    "pairwise",
    "pascal",
    "plural",
    "project_name_errors",
    "public_operations",
    "python_docstring",
    "python_literal",
    "python_string",
    "request_sample",
    "resources",
    "singular",
    "snake",
    "spec_option_errors",
    "switch",
    "toml_string",
    "yaml_string",
]  # fmt: skip
