"""The OpenAPI 3.1 document, generated from the endpoint table: both namespaces, every route."""

from __future__ import annotations

import re
from typing import Any

from shim.request import admin
from shim.request import schemas as s
from shim.request.endpoints import ENDPOINTS, FEDERATED_PREFIX, LEGACY_PREFIX, Endpoint

_ERRORS = {
    "400": "invalid input", "404": "not found", "409": "conflict",
    "410": "a kit expired or revoked", "422": "an Idempotency-Key sent again with another request",
    "423": "the tenant is suspended: writes refused",
    "429": "too many requests of this tenant in flight, or a write past the tenant's write budget (Retry-After)",
    "503": "node or catalog unavailable (Retry-After)", "504": "statement timeout",
}
_BODY_ERRORS = {"413": "body too large (1 MiB)", "415": "the body is not application/json"}


def _openapi_path(path: str) -> str:
    return re.sub(r"<([A-Za-z_]+)>", r"{\1}", path)


def _path_params(path: str) -> list[dict[str, Any]]:
    return [{"name": name, "in": "path", "required": True, "schema": s.PATH_PARAMS[name]}
            for name in re.findall(r"<([A-Za-z_]+)>", path)]


def _nullable_optionals(schema: dict[str, Any]) -> dict[str, Any]:
    """A request body's optional fields may be null: the handlers read null as absent."""
    required = set(schema.get("required", []))
    return {**schema, "properties": {name: prop if name in required else {"anyOf": [prop, {"type": "null"}]}
                                     for name, prop in schema.get("properties", {}).items()}}


def _operation(endpoint: Endpoint, federated: bool) -> dict[str, Any]:
    params = _path_params(endpoint.path)
    # One source of each routing value is documented (a client that sends two that disagree gets 400):
    # the X-Tenant-ID and X-Region headers are the same values' other sources.
    in_body = endpoint.request is not None and "tenantId" in endpoint.request.get("properties", {})
    if "<tenantId>" not in endpoint.path and endpoint.tenant != "none" and not in_body:
        params.append({"name": "tenantId", "in": "query", "required": endpoint.tenant == "required", "schema": s.UUID,
                       "description": "the tenant (or the X-Tenant-ID header; a tenant token's own when absent)"})
    region_in_body = endpoint.request is not None and "region" in endpoint.request.get("properties", {})
    if federated and not region_in_body:
        params.append({"name": "region", "in": "query", "required": False, "schema": s.SERVED_REGION,
                       "description": "the request's region (or the X-Region header)"})
    for p in endpoint.query:
        params.append({"name": p.name, "in": "query", "required": p.required, "schema": p.schema(),
                       "description": p.description})
    if endpoint.flow_name == "issue_kit":
        success = {"description": "the kit archive", "headers": {
            "X-Kit-Id": {"schema": s.UUID}, "X-Kit-SHA256": {"schema": s.STR}},
            "content": {"application/zip": {"schema": s.BINARY}, "application/gzip": {"schema": s.BINARY}}}
    else:
        success = {"description": endpoint.summary, "content": {"application/json": {"schema": endpoint.response}}}
    responses: dict[str, Any] = {str(endpoint.success): success}
    for status, why in {**_ERRORS, **(_BODY_ERRORS if endpoint.request is not None else {})}.items():
        responses[status] = {"description": why, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    refusals: tuple[tuple[str, str], ...]
    if endpoint.roles:
        refusals = (("401", "no bearer token, or one that does not verify (WWW-Authenticate: Bearer)"),
                    ("403", "the token's role or tenant may not make this request"))
    else:
        refusals = (("401", "wrong enrollment token"), ("403", "not allowed by the kit"),
                    ("410", "expired or revoked"), ("429", "too many failed enrollments from this address"))
    if not federated:  # retiring: turned off for the tenant or everyone (fedgate legacy off)
        gone = "the legacy namespace is turned off (FGW410; Link: rel=\"successor-version\")"
        refusals = (*refusals[:2], ("410", (dict(refusals).get("410", "") + "; " if "410" in dict(refusals) else "")
                                    + gone), *(r for r in refusals[2:] if r[0] != "410"))
    for status, why in refusals:
        responses[status] = {"description": why,
                             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    operation: dict[str, Any] = {
        "operationId": ("" if federated else "legacy_") + endpoint.name,
        "summary": endpoint.summary + ("" if federated else " (legacy: the default node)"),
        "tags": ["federated" if federated else "legacy"],
        "parameters": params, "responses": responses,
        # Who may call it: a bearer token of one of these roles; none for enrollment (the kit's token is
        # the credential, an agent token is optional and re-enrolls its own host).
        "security": [{"bearer": []}] if endpoint.roles else [{}, {"bearer": []}],
        "x-fedgate-roles": list(endpoint.roles),
    }
    if endpoint.request is not None:
        body = endpoint.request
        if in_body and endpoint.tenant == "required" and "tenantId" not in body.get("required", []):
            body = {**body, "required": [*body.get("required", []), "tenantId"]}  # the one documented source
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": _nullable_optionals(body)}}}
    return operation


def _admin_operation(action: admin.Action) -> dict[str, Any]:
    params = _path_params(action.path)
    params += [{"name": p.name, "in": "query", "required": p.required, "schema": p.schema(),
                "description": p.description} for p in action.query]
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    responses: dict[str, Any] = {
        str(action.success): {"description": action.summary, "content": {"application/json": {"schema": s.OBJECT}}},
        "400": {"description": "invalid input", **error}, "401": {"description": "no valid bearer token", **error},
        "403": {"description": "not an operator", **error}, "404": {"description": "not found", **error},
        "409": {"description": "conflict", **error}, "503": {"description": "catalog unavailable", **error}}
    responses.update({str(status): {"description": why, "content": {"application/json": {"schema": s.OBJECT}}}
                      for status, why in action.also})
    if action.request is not None:
        responses.update({status: {"description": why, **error} for status, why in _BODY_ERRORS.items()})
    if action.name == "adminAddNode":
        responses["422"] = {"description": "the database it names could not be reached or migrated", **error}
    operation: dict[str, Any] = {"operationId": action.name, "summary": action.summary, "tags": ["admin"],
                                 "parameters": params, "responses": responses, "security": [{"bearer": []}],
                                 "x-fedgate-roles": ["operator"]}
    if action.request is not None:
        operation["requestBody"] = {"required": action.method in ("POST", "PUT") and bool(action.request.get("required")),
                                    "content": {"application/json": {"schema": action.request}}}
    return operation


def _live(value: Any, enums: dict[str, list[str]]) -> Any:
    """The document with each schema marked x-fedgate-enum given the values served now (regions, agent
    types): what the API accepts today, exactly."""
    if isinstance(value, dict):
        out = {k: _live(v, enums) for k, v in value.items() if k != "x-fedgate-enum"}
        wanted = str(value.get("x-fedgate-enum", ""))
        if enums.get(wanted):  # none served: the pattern alone
            out["enum"] = enums[wanted]
        return out
    if isinstance(value, list):
        return [_live(v, enums) for v in value]
    return value


def live_document(regions: list[str], agent_types: list[str]) -> dict[str, Any]:
    """The document as GET /openapi.json serves it: regions and agent types as enums of what is served."""
    return _live(document(), {"regions": sorted(regions), "agentTypes": sorted(agent_types)})


def document() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in ENDPOINTS:
        for prefix, federated in ((FEDERATED_PREFIX, True), (LEGACY_PREFIX, False)):
            path = prefix + _openapi_path(endpoint.path)
            paths.setdefault(path, {})[endpoint.method.lower()] = _operation(endpoint, federated)
    for action in admin.ACTIONS:
        paths.setdefault(admin.PREFIX + _openapi_path(action.path), {})[action.method.lower()] = _admin_operation(action)
    return {
        "openapi": "3.1.0",
        "info": {"title": "fedgate", "version": "0.1.0",
                 "description": "Federation-aware onboarding API: /federation/api/onboarding routes each request "
                                "to its tenant's node; /api/onboarding serves the default node."},
        "paths": paths,
        "components": {
            "schemas": {"Error": s.ERROR, "JsonValue": s.JSON_VALUE},
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "A JWT with role (operator, tenant, agent), exp and aud; tenant_id for the tenant "
                               "and agent roles, agent_id for the agent role. x-fedgate-roles on each operation "
                               "names the roles that may call it."}},
        },
        "security": [{"bearer": []}],
    }
