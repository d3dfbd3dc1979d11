"""Calling the API in tests, and checking every response against the OpenAPI document.

`Api.call()` sends a request as a persona (a bearer token, issued once per persona) and then
checks the response against the document the API serves: the status must be declared for the
operation, and the body must validate against the declared schema, both with the pydantic class
the document names and with a small JSON Schema check of the document itself (so a response
that drifts from what the document promises fails the test that produced it).
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from django.http import HttpResponse
from django.test import Client
from pydantic import BaseModel, TypeAdapter

from beatbook.accounts.services import api_token_create
from beatbook.api.v1 import api as ninja_api
from beatbook.api.v1 import (
    case_schemas,
    designations_schemas,
    development_schemas,
    enforcement_detention_schemas,
    enforcement_dispersal_schemas,
    enforcement_penalty_schemas,
    enforcement_register_schemas,
    enforcement_seizure_schemas,
    events_schemas,
    incident_schemas,
    opendata_schemas,
    patrol_schemas,
    planner_schemas,
    portfolio_schemas,
    powers_schemas,
    priorities_schemas,
    programmes_schemas,
    publication_schemas,
    recruitment_schemas,
    schemas,
    training_schemas,
)
from beatbook.org.models import Person

PREFIX = "/api/v1"


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key given twice (e.g. a status as 200 and as "200"): Python keeps
    the last, but Swagger UI (js-yaml) refuses the whole document."""
    keys = [key for key, _ in pairs]
    assert len(set(keys)) == len(keys), f"a key given twice in the OpenAPI document: {keys}"
    return dict(pairs)


@cache
def openapi_document() -> dict[str, Any]:
    """The document as served (round-tripped through JSON, as a client would read it)."""
    served = json.dumps(ninja_api.get_openapi_schema(path_prefix=f"{PREFIX}/"))
    document: dict[str, Any] = json.loads(served, object_pairs_hook=_no_duplicate_keys)
    return document


def _path_pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")


def find_operation(method: str, path: str) -> dict[str, Any] | None:
    for template, operations in openapi_document()["paths"].items():
        if _path_pattern(template).match(path) and method.lower() in operations:
            operation: dict[str, Any] = operations[method.lower()]
            return operation
    return None


# ---- A JSON Schema check for the subset of keywords the document uses ---------------------------
ANNOTATIONS = {"title", "description", "default", "format", "discriminator", "examples"}
KNOWN = ANNOTATIONS | {
    "$ref",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "anyOf",
    "oneOf",
    "enum",
    "const",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
}
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _resolve(ref: str) -> dict[str, Any]:
    assert ref.startswith("#/components/schemas/"), ref
    schema: dict[str, Any] = openapi_document()["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def schema_errors(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """What is wrong with `value` under `schema` (empty when it validates)."""
    unknown = set(schema) - KNOWN
    assert not unknown, f"the test validator does not know {unknown} (at {where})"
    if "$ref" in schema:
        return schema_errors(value, _resolve(schema["$ref"]), where)
    errors: list[str] = []
    if "type" in schema:
        expected = TYPES[schema["type"]]
        if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            return [f"{where}: {value!r} is not of type {schema['type']}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{where}: {value!r} < {schema['minimum']}")
    if "maximum" in schema and value > schema["maximum"]:
        errors.append(f"{where}: {value!r} > {schema['maximum']}")
    if "minLength" in schema and len(value) < schema["minLength"]:
        errors.append(f"{where}: too short")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        errors.append(f"{where}: too long")
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            passing = [s for s in schema[keyword] if not schema_errors(value, s, where)]
            if not passing or (keyword == "oneOf" and len(passing) > 1):
                errors.append(f"{where}: {len(passing)} of the {keyword} alternatives match {value!r}")
    if isinstance(value, dict):
        properties: dict[str, Any] = schema.get("properties", {})
        errors += [f"{where}: missing {name!r}" for name in schema.get("required", []) if name not in value]
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(item, properties[name], f"{where}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{where}: unexpected {name!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += schema_errors(item, schema["additionalProperties"], f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += schema_errors(item, schema["items"], f"{where}[{index}]")
    return errors


# The modules that hold the API's response classes (a new one is added here with its router).
SCHEMA_MODULES = (
    schemas,
    incident_schemas,
    patrol_schemas,
    case_schemas,
    planner_schemas,
    powers_schemas,
    designations_schemas,
    training_schemas,
    development_schemas,
    enforcement_detention_schemas,
    enforcement_penalty_schemas,
    enforcement_seizure_schemas,
    enforcement_register_schemas,
    enforcement_dispersal_schemas,
    events_schemas,
    priorities_schemas,
    publication_schemas,
    opendata_schemas,
    programmes_schemas,
    portfolio_schemas,
    recruitment_schemas,
)


def _pydantic_type(schema: dict[str, Any]) -> Any:
    """The schema class the document names, e.g. `$ref: .../PersonOut` -> schemas.PersonOut."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        found = [getattr(module, name) for module in SCHEMA_MODULES if hasattr(module, name)]
        assert found, f"no schema class named {name}"
        cls = found[0]
        assert isinstance(cls, type)
        assert issubclass(cls, BaseModel)
        return cls
    if schema.get("type") == "array":
        return list[_pydantic_type(schema["items"])]  # type: ignore[misc]
    raise AssertionError(f"no schema class for {schema}")


def check_against_document(method: str, path: str, response: HttpResponse) -> None:
    operation = find_operation(method, path)
    if operation is None:  # not an operation (an unknown path or method): still the error format
        assert_error_shape(response)
        return
    declared = operation["responses"]
    status = str(response.status_code)
    assert status in declared, f"{method} {path} answered {status}, not declared in {sorted(declared)}"
    content: dict[str, Any] = declared[status]["content"]
    if "application/json" not in content:  # a file (a PDF): the declared type, and no JSON to check
        assert response["Content-Type"] in content, (response["Content-Type"], sorted(content))
        assert response.content, f"{method} {path} {status} is empty"
        return
    schema = content["application/json"]["schema"]
    body = json.loads(response.content)
    problems = schema_errors(body, schema)
    assert not problems, f"{method} {path} {status} does not match the document: {problems}"
    TypeAdapter(_pydantic_type(schema)).validate_json(response.content)


def assert_error_shape(response: HttpResponse) -> None:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    problems = schema_errors(json.loads(response.content), {"$ref": "#/components/schemas/ErrorOut"})
    assert not problems, problems
    schemas.ErrorOut.model_validate_json(response.content)


def assert_error(response: HttpResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is an error of this status in the one error format; returns its `error`."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert_error_shape(response)
    error: dict[str, Any] = json.loads(response.content)["error"]
    assert error["status"] == status
    if code is not None:
        assert error["code"] == code, error
    if error["code"] in {"invalid", "validation_error", "power_not_held"}:
        assert error["fields"], error
    else:
        assert "fields" not in error, error
    return error


class Api:
    """Calls the API as a persona (bearer token), anonymously, or through a given client: with a
    JSON body, or (`form`, for an upload) a multipart one."""

    def __init__(self) -> None:
        self.tokens: dict[int, str] = {}

    def token_for(self, person: Person) -> str:
        if person.pk not in self.tokens:
            self.tokens[person.pk] = api_token_create(actor=person, name="tests").raw
        return self.tokens[person.pk]

    def call(
        self,
        method: str,
        path: str,
        *,
        as_: Person | None = None,
        body: Any = None,
        raw_body: str | None = None,
        query: dict[str, Any] | None = None,
        form: dict[str, Any] | None = None,
        client: Client | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        client = client or Client()
        all_headers = dict(headers or {})
        if as_ is not None:
            all_headers["Authorization"] = f"Bearer {self.token_for(as_)}"
        url = PREFIX + path
        kwargs: dict[str, Any] = {"headers": all_headers}
        if method == "GET":
            response = client.get(url, query or {}, **kwargs)
        elif form is not None:  # multipart/form-data: fields, and files as uploaded files
            assert method == "POST" and body is None and raw_body is None
            response = client.post(url, form, **kwargs)
        else:
            data = raw_body if raw_body is not None else json.dumps(body if body is not None else {})
            response = client.generic(method, url, data, content_type="application/json", **kwargs)
        assert isinstance(response, HttpResponse)
        check_against_document(method, url, response)
        return response

    def get(self, path: str, **kwargs: Any) -> HttpResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> HttpResponse:
        return self.call("POST", path, body=body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> HttpResponse:
        return self.call("PATCH", path, body=body, **kwargs)


def data(response: HttpResponse) -> Any:
    return json.loads(response.content)
