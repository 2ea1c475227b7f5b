"""JSON schemas of the endpoint table, for the OpenAPI document (and the fuzzers that read it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    required: bool = False
    format: str | None = None

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.format:
            out["format"] = self.format
        return out


def obj(properties: dict[str, Any], required: tuple[str, ...] = (), extra: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = list(required)
    if not extra:
        out["additionalProperties"] = False
    return out


STR = {"type": "string"}
UUID = {"type": "string", "format": "uuid"}
TIME = {"type": "string", "format": "date-time"}
INT = {"type": "integer"}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
OBJECT: dict[str, Any] = {"type": "object"}
BINARY = {"type": "string", "format": "binary"}
REGION_CODE = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"}

ERROR = obj({"code": STR, "message": STR, "details": {}, "hint": {"type": ["string", "null"]}},
            ("code", "message", "details", "hint"))


def items_of(item: dict[str, Any]) -> dict[str, Any]:
    return obj({"items": {"type": "array", "items": item}}, ("items",))


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    return obj({"items": {"type": "array", "items": item}, "limit": INT,
                "nextCursor": {"type": ["string", "null"]}}, ("items", "limit", "nextCursor"))


TENANT_CREATE = obj({"name": {"type": "string", "minLength": 1, "maxLength": 200}, "region": REGION_CODE,
                     "contactEmail": {"type": "string", "format": "email", "maxLength": 320},
                     "metadata": OBJECT}, ("name", "region"))
TENANT = obj({"tenantId": UUID, "name": STR, "region": STR, "contactEmail": {"type": ["string", "null"]},
              "metadata": OBJECT, "status": STR, "createdAt": TIME, "updatedAt": TIME},
             ("tenantId", "name", "region", "status"))
TENANT_STATUS = obj({**TENANT["properties"], "agents": INT, "kits": INT, "lastActivityAt": NULLABLE_TIME},
                    ("tenantId", "name", "region", "status", "agents", "kits"))
REGION = obj({"code": STR, "displayName": STR, "nodes": INT, "activeNodes": INT}, ("code", "displayName", "activeNodes"))
AGENT_TYPE = obj({"id": STR, "name": STR, "version": STR, "platforms": {"type": "array", "items": STR},
                  "description": STR}, ("id", "name", "version", "platforms"))
IDENTITY_PROVIDER = obj({"id": STR, "name": STR, "requiredFields": {"type": "array"}, "description": STR},
                        ("id", "name", "requiredFields"))
IDENTITY_REQUEST = obj({"type": STR, "config": OBJECT, "tenantId": UUID}, ("type", "config"))
IDENTITY_RESULT = obj({"valid": {"type": "boolean"}, "type": STR,
                       "errors": {"type": "array", "items": obj({"field": STR, "message": STR}, ("field", "message"))}},
                      ("valid", "errors"))
KIT_REQUEST = obj({"tenantId": UUID,
                   "agents": {"type": "array", "items": STR, "minItems": 1, "maxItems": 20},
                   "regions": {"type": "array", "items": REGION_CODE, "maxItems": 10},
                   "format": {"type": "string", "enum": ["zip", "tar.gz"]}}, ("agents",))
KIT_METADATA = obj({"tenantId": UUID, "tenantName": STR, "generatedAt": TIME, "agents": {"type": "array"},
                    "regions": {"type": "array"}, "version": STR,
                    "federation": obj({"primaryNodeId": STR, "primaryRegion": STR, "metadata": OBJECT},
                                      ("primaryNodeId", "primaryRegion", "metadata"))},
                   ("tenantId", "tenantName", "generatedAt", "agents", "regions", "version", "federation"))
VERIFY_REQUEST = obj({"tenantId": UUID, "kitId": UUID, "token": STR, "hostname": STR, "agentType": STR,
                      "version": STR}, ("kitId", "token", "hostname", "agentType", "version"))
VERIFY_RESULT = obj({"verified": {"type": "boolean"}, "tenantId": UUID, "kitId": UUID, "agentId": UUID,
                     "hostname": STR, "agentType": STR, "registeredAt": TIME}, ("verified", "agentId"))
KIT_VERIFICATION = obj({"kitId": UUID, "state": {"type": "string",
                                                 "enum": ["pending", "issued", "verified", "expired", "revoked"]},
                        "expiresAt": TIME, "verifiedAt": NULLABLE_TIME, "failedAttempts": INT,
                        "registeredAgents": {"type": "array"}}, ("kitId", "state"))
BOOTSTRAP_STATUS = obj({"tenantId": UUID, "stage": {"type": "string",
                                                    "enum": ["not_started", "kit_issued", "agent_verified", "active"]},
                        "kitsIssued": INT, "agentsVerified": INT, "lastHeartbeatAt": NULLABLE_TIME},
                       ("tenantId", "stage", "kitsIssued", "agentsVerified"))
SCAN = obj({"tenantId": UUID, "scannedAt": TIME,
            "findings": {"type": "array", "items": obj({"kind": STR, "severity": {"type": "string",
                                                         "enum": ["critical", "warning", "info"]},
                                                         "subject": STR, "message": STR})},
            "summary": obj({"critical": INT, "warning": INT, "info": INT})}, ("findings", "summary"))
HEARTBEAT = obj({"agentId": UUID, "cpuPercent": {"type": "number", "minimum": 0, "maximum": 100},
                 "memoryMb": {"type": "number", "minimum": 0}, "eventsSent": {"type": "integer", "minimum": 0},
                 "status": {"type": "string", "enum": ["ok", "degraded", "error"]}}, ("agentId",))
TELEMETRY = obj({"window": STR, "heartbeats": INT, "reportingAgents": INT, "registeredAgents": INT,
                 "eventsSent": INT, "byStatus": OBJECT}, ("window", "heartbeats", "reportingAgents"))
ACTIVITY = obj({"id": INT, "kind": STR, "detail": OBJECT, "createdAt": TIME}, ("id", "kind", "createdAt"))
AUDIT_EVENT = obj({"id": INT, "event": STR, "outcome": {"type": "string", "enum": ["success", "failure"]},
                   "kitId": {"type": ["string", "null"]}, "detail": OBJECT, "createdAt": TIME},
                  ("id", "event", "outcome", "createdAt"))
AGENTS = obj({"items": {"type": "array", "items": obj({"agentId": UUID, "hostname": STR, "agentType": STR,
                                                       "version": STR})}, "total": INT}, ("items", "total"))
