"""The OpenAPI 3.1 document, generated from the endpoint table: both namespaces, every route."""

from __future__ import annotations

import re
from typing import Any

from shim.request import admin
from shim.request import schemas as s
from shim.request.endpoints import ENDPOINTS, FEDERATED_PREFIX, LEGACY_PREFIX, Endpoint

_ERRORS = {
    "400": "invalid input", "404": "not found", "409": "conflict",
    "503": "node or catalog unavailable (Retry-After)", "504": "statement timeout",
}


def _openapi_path(path: str) -> str:
    return re.sub(r"<([A-Za-z_]+)>", r"{\1}", path)


def _operation(endpoint: Endpoint, federated: bool) -> dict[str, Any]:
    params: list[dict[str, Any]] = []
    if "<tenantId>" in endpoint.path:
        params.append({"name": "tenantId", "in": "path", "required": True, "schema": s.UUID})
    elif endpoint.tenant != "none":
        params.append({"name": "tenantId", "in": "query", "required": False, "schema": s.UUID,
                       "description": "the tenant (or the X-Tenant-ID header)"})
        params.append({"name": "X-Tenant-ID", "in": "header", "required": False, "schema": s.UUID})
    if federated:
        params.append({"name": "region", "in": "query", "required": False, "schema": s.REGION_CODE})
        params.append({"name": "X-Region", "in": "header", "required": False, "schema": s.REGION_CODE})
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
    for status, why in _ERRORS.items():
        responses[status] = {"description": why, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    refusals: tuple[tuple[str, str], ...]
    if endpoint.roles:
        refusals = (("401", "no bearer token, or one that does not verify (WWW-Authenticate: Bearer)"),
                    ("403", "the token's role or tenant may not make this request"))
    else:
        refusals = (("401", "wrong enrollment token"), ("403", "not allowed by the kit"),
                    ("410", "expired or revoked"), ("429", "too many failed enrollments from this address"))
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
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": endpoint.request}}}
    return operation


def _admin_operation(action: admin.Action) -> dict[str, Any]:
    params: list[dict[str, Any]] = [{"name": name, "in": "path", "required": True, "schema": s.STR}
                                    for name in re.findall(r"<([A-Za-z_]+)>", action.path)]
    params += [{"name": p.name, "in": "query", "required": p.required, "schema": p.schema(),
                "description": p.description} for p in action.query]
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    responses: dict[str, Any] = {
        str(action.success): {"description": action.summary, "content": {"application/json": {"schema": s.OBJECT}}},
        "400": {"description": "invalid input", **error}, "401": {"description": "no valid bearer token", **error},
        "403": {"description": "not an operator", **error}, "404": {"description": "not found", **error},
        "409": {"description": "conflict", **error}, "503": {"description": "catalog unavailable", **error}}
    operation: dict[str, Any] = {"operationId": action.name, "summary": action.summary, "tags": ["admin"],
                                 "parameters": params, "responses": responses, "security": [{"bearer": []}],
                                 "x-fedgate-roles": ["operator"]}
    if action.request is not None:
        operation["requestBody"] = {"required": action.method == "POST" and bool(action.request.get("required")),
                                    "content": {"application/json": {"schema": action.request}}}
    return operation


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
            "schemas": {"Error": s.ERROR},
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "A JWT with role (operator, tenant, agent), exp and aud; tenant_id for the tenant "
                               "and agent roles, agent_id for the agent role. x-fedgate-roles on each operation "
                               "names the roles that may call it."}},
        },
        "security": [{"bearer": []}],
    }
