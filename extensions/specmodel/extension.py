"""The Jinja extension that registers the spec model's filters and globals in copier's templates."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from copier_template_extensions import ContextHook
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.ext import Extension

from . import brokers, databases, django, evolve, imports, layout, literals, managers
from .endpoints import custom_endpoints, public_operations, request_sample
from .model import resources
from .naming import constant, kebab, pascal, plural, snake
from .options import option_errors
from .rules import api_endpoint_errors, api_prefix_errors, database_errors, model_errors, project_name_errors


class SpecModelExtension(Extension):
    """Naming and escaping filters, the render model and the layout helpers, for every template."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters.update(
            snake=snake,
            kebab=kebab,
            pascal=pascal,
            plural=plural,
            constant=constant,
            # One escaping filter per language a spec value is written into.
            pyrepr=literals.python_literal,
            py_str=literals.python_string,
            py_doc=literals.python_docstring,
            toml_str=literals.toml_string,
            yaml_str=literals.yaml_string,
            json_str=literals.json_string,
            md_text=literals.markdown_text,
            from_module=lambda name, module: (module, name),
            dj_model_field=django.model_field,
            dj_relation_field=django.relation_field,
            dj_filter_field=django.filter_field,
            dj_literal=literals.python_literal,
            pipfile_entry=managers.pipfile_entry,
        )
        environment.globals.update(
            option_errors=option_errors,
            model_errors=model_errors,
            database_errors=database_errors,
            project_name_errors=project_name_errors,
            api_prefix_errors=api_prefix_errors,
            api_endpoint_errors=api_endpoint_errors,
            public_operations=public_operations,
            resources=resources,
            custom_endpoints=custom_endpoints,
            request_sample=request_sample,
            model_imports=imports.model_imports,
            schema_imports=imports.schema_imports,
            import_block=layout.import_block,
            router_imports=imports.router_imports,
            wrap=layout.wrap,
            assignment=layout.assignment,
            dj_call=layout.Call,
            dj_fmt=layout.fmt,
            dj_fmt_pragma=layout.fmt_pragma,
            dj_assign=layout.assign,
            dj_tuple=layout.tuple_assign,
            dj_request_field=django.request_field,
            dj_reference_field=django.reference_field,
            dj_stdlib_imports=django.stdlib_imports,
            dj_hex_uuid=django.needs_hex_uuid,
            dj_search_fields=django.search_fields,
            dj_shadows=django.shadows_serializer_attribute,
            dj_enum_overrides=django.enum_name_overrides,
            dj_list_display=django.list_display,
            py_default=lambda f: django.default_source(f, migration=True) or "None",
            evolution_errors=evolve.evolution_errors,
            models_state=evolve.state_text,
            dev_dependencies=managers.dev_dependencies,
        )


def environment(template_root: str) -> Environment:
    """A Jinja environment like copier's for this template family (the migration an update adds
    is rendered outside copier, by ``hooks/add_migration.py``)."""
    return Environment(  # noqa: S701 (Python source, not HTML)
        loader=FileSystemLoader(template_root),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        extensions=[SpecModelExtension],
    )


class SpecContextHook(ContextHook):
    """The values every template derives from the answers, computed once per set of answers
    and put into each render's context: ``auth_enabled``, ``res`` (the normalised models, in
    migration order), ``custom`` (the endpoints that are not CRUD operations), ``mgr``
    (the dependency manager's commands and files), ``db`` (the database's URLs and server),
    ``broker`` (the task queue's broker, when there is one), ``token_pairs`` (whether the API
    issues JWT access and refresh tokens: methods JWT and OAuth2), ``social_providers`` (the
    providers other than ``local``, in the spec's order) and ``local_sign_in`` (whether there are
    accounts with passwords: register, password login and password reset)."""

    def hook(self, context: dict[str, Any]) -> None:
        if "auth_method" in context:
            context["token_pairs"] = context["auth_method"] in ("JWT", "OAuth2")
        if isinstance(context.get("auth_providers"), list):
            context["social_providers"] = [p for p in context["auth_providers"] if p != "local"]
            local = "local" in context["auth_providers"]
            context["local_sign_in"] = local and context.get("auth_method") != "none"
        if context.get("dependency_manager") in managers.MANAGERS:
            context["mgr"] = managers.MANAGERS[context["dependency_manager"]]
        if context.get("database_type") in databases.DATABASES:
            context["db"] = databases.DATABASES[context["database_type"]]
        if context.get("background_tasks_broker") in brokers.BROKERS:
            context["broker"] = brokers.BROKERS[context["background_tasks_broker"]]
        questions = ("models", "auth_method", "api_endpoints", "api_prefix", "database_type")
        if not set(questions) <= context.keys():
            return  # a question's default or validator, before the data model is answered
        key = json.dumps([context[question] for question in questions])
        context.update(_derived(key))


@lru_cache(maxsize=8)
def _derived(key: str) -> dict[str, Any]:
    models, auth_method, endpoints, prefix, database = json.loads(key)
    auth_enabled = auth_method != "none"
    if model_errors(models, auth_enabled) or api_endpoint_errors(endpoints, prefix, models, auth_enabled):
        return {"auth_enabled": auth_enabled}  # copier is about to refuse the answers
    return {
        "auth_enabled": auth_enabled,
        "res": resources(models, auth_enabled, database),
        "custom": custom_endpoints(endpoints, prefix, models, auth_enabled),
    }
