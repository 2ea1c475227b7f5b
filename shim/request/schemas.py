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
    constraints: tuple[tuple[str, Any], ...] = ()  # minimum, maximum, pattern, enum: as the validation enforces

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, **dict(self.constraints)}
        if self.format:
            out["format"] = self.format
        return out


def limit(default: int, most: int) -> Param:
    """A page size: any whole number from 1 (to 999999, six digits) is accepted and capped at ``most``."""
    return Param("limit", "integer", f"at most this many (default {default}; more than {most} is capped at {most})",
                 constraints=(("minimum", 1), ("maximum", 999_999)))


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
# A region some node serves: the live document (GET /openapi.json) lists them as an enum (x-fedgate-enum).
SERVED_REGION = {**REGION_CODE, "x-fedgate-enum": "regions"}
# An agent type of the reference data: listed the same way.
AGENT_TYPE_ID = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$", "x-fedgate-enum": "agentTypes"}
# Text the handlers store: no control or bidirectional-override characters (names end up in kits) ...
_LABEL_CHARS = "\\x00-\\x1f\\x7f-\\x9f\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069"


def label(most: int) -> dict[str, Any]:
    """A required display name: not blank, at most ``most`` characters, no control characters."""
    return {"type": "string", "minLength": 1, "maxLength": most,
            "pattern": f"^[^{_LABEL_CHARS}]*[^ {_LABEL_CHARS}][^{_LABEL_CHARS}]*$"}


# A telemetry window as onboarding.telemetry_window takes it: a count and a unit (s, m, h, d), at most 30 days.
WINDOW = ("^([1-9][0-9]{0,4}s|([1-9][0-9]{0,3}|[1-3][0-9]{4}|4[0-2][0-9]{3}|43[01][0-9]{2}|43200)m"
          "|([1-9][0-9]?|[1-6][0-9]{2}|7[01][0-9]|720)h|([1-9]|[12][0-9]|30)d)$")
NO_NUL = "^[^\\u0000]*$"  # PostgreSQL stores no NUL in text or jsonb (FGW109)


def text(most: int, required: bool = True) -> dict[str, Any]:
    """A string field: at most ``most`` characters, no NUL; a required one not blank (nor only spaces)."""
    out: dict[str, Any] = {"type": "string", "maxLength": most, "pattern": NO_NUL}
    if required:
        out.update(minLength=1, pattern="^[^\\u0000]*[^ \\u0000][^\\u0000]*$")
    return out


# Free-form JSON a handler stores as it is (a tenant's metadata, an identity provider's config): any JSON
# PostgreSQL can store, i.e. no NUL in a key or a string (JsonValue in the document's components).
JSON_VALUE_REF = {"$ref": "#/components/schemas/JsonValue"}
JSON_VALUE = {"anyOf": [{"type": "string", "pattern": NO_NUL}, {"type": ["number", "boolean", "null"]},
                        {"type": "array", "items": JSON_VALUE_REF},
                        {"type": "object", "propertyNames": {"pattern": NO_NUL}, "additionalProperties": JSON_VALUE_REF}]}
FREE_OBJECT = {"type": "object", "propertyNames": {"pattern": NO_NUL}, "additionalProperties": JSON_VALUE_REF}
NODE_ID = {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.~-]{0,254}$"}
SERIAL_ID = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}  # a move's or a job's number
# The schema of each path parameter, by its name in the route (every route declares all of its own).
PATH_PARAMS: dict[str, dict[str, Any]] = {"tenantId": UUID, "kitId": UUID, "agentId": UUID, "tenant": UUID, "node_id": NODE_ID,
                                          "region": REGION_CODE, "move_id": SERIAL_ID, "job_id": SERIAL_ID,
                                          "plan_id": SERIAL_ID}

ERROR = obj({"code": STR, "message": STR, "details": {}, "hint": {"type": ["string", "null"]}},
            ("code", "message", "details", "hint"))


def items_of(item: dict[str, Any]) -> dict[str, Any]:
    return obj({"items": {"type": "array", "items": item}}, ("items",), extra=False)


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    return obj({"items": {"type": "array", "items": item}, "limit": INT,
                "nextCursor": {"type": ["string", "null"]}}, ("items", "limit", "nextCursor"), extra=False)


TENANT_CREATE = obj({"name": label(200), "region": SERVED_REGION,
                     "contactEmail": {"type": "string", "format": "email", "maxLength": 320, "pattern": NO_NUL},
                     "metadata": FREE_OBJECT,
                     "residency": {"type": "array", "minItems": 1, "maxItems": 64, "items": SERVED_REGION,
                                   "description": "the regions the tenant's rows and requests may be served in (it "
                                                  "must include region); absent: unrestricted, or the home region "
                                                  "under FEDGATE_DEFAULT_RESIDENCY=home"}},
                    ("name", "region"), extra=False)
# Responses: exactly what the handler SQL returns (no other property; tests validate live answers).
NULLABLE_STR = {"type": ["string", "null"]}
NULLABLE_NUMBER = {"type": ["number", "null"]}
TENANT = obj({"tenantId": UUID, "name": STR, "region": STR, "contactEmail": NULLABLE_STR,
              "metadata": OBJECT, "status": STR, "createdAt": TIME, "updatedAt": TIME},
             ("tenantId", "name", "region", "contactEmail", "metadata", "status", "createdAt", "updatedAt"), extra=False)
TENANT_STATUS = obj({**TENANT["properties"], "agents": INT, "kits": INT, "lastActivityAt": NULLABLE_TIME},
                    (*TENANT["required"], "agents", "kits", "lastActivityAt"), extra=False)
REGION = obj({"code": STR, "displayName": STR, "nodes": INT, "activeNodes": INT},
             ("code", "displayName", "nodes", "activeNodes"), extra=False)
AGENT_TYPE = obj({"id": STR, "name": STR, "version": STR, "platforms": {"type": "array", "items": STR},
                  "description": STR}, ("id", "name", "version", "platforms", "description"), extra=False)
IDENTITY_PROVIDER = obj({"id": STR, "name": STR,
                         "requiredFields": {"type": "array", "items": obj({"name": STR, "type": STR}, ("name", "type"),
                                                                          extra=False)},
                         "description": STR}, ("id", "name", "requiredFields", "description"), extra=False)
# config: any JSON the endpoint then validates (a non-object is reported invalid in the answer, 200).
IDENTITY_REQUEST = obj({"type": text(63), "config": JSON_VALUE_REF, "tenantId": UUID}, ("type",), extra=False)
IDENTITY_RESULT = obj({"valid": {"type": "boolean"}, "type": STR,
                       "errors": {"type": "array", "items": obj({"field": STR, "message": STR}, ("field", "message"),
                                                                extra=False)}},
                      ("valid", "type", "errors"), extra=False)
KIT_REQUEST = obj({"tenantId": UUID,
                   "agents": {"type": "array", "items": AGENT_TYPE_ID, "minItems": 1, "maxItems": 20},
                   "regions": {"type": "array", "items": SERVED_REGION, "maxItems": 10},
                   "format": {"type": "string", "enum": ["zip", "tar.gz"]},
                   "maxAgents": {"type": "integer", "minimum": 1, "maximum": 1000}}, ("agents",), extra=False)
_KIT_AGENT = obj({"id": STR, "name": STR, "version": STR, "platforms": {"type": "array", "items": STR}},
                 ("id", "name", "version", "platforms"), extra=False)
_KIT_REGION = obj({"code": STR, "displayName": STR, "endpoint": STR}, ("code", "displayName", "endpoint"), extra=False)
KIT_METADATA = obj({"tenantId": UUID, "tenantName": STR, "generatedAt": TIME, "kitId": UUID, "expiresAt": TIME,
                    "agents": {"type": "array", "items": _KIT_AGENT},
                    "regions": {"type": "array", "items": _KIT_REGION}, "version": STR,
                    "federation": obj({"primaryNodeId": STR, "primaryRegion": STR, "metadata": OBJECT},
                                      ("primaryNodeId", "primaryRegion", "metadata"), extra=False)},
                   ("tenantId", "tenantName", "generatedAt", "kitId", "expiresAt", "agents", "regions", "version",
                    "federation"), extra=False)
_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOSTNAME = {"type": "string", "maxLength": 253, "pattern": f"^ *{_LABEL}(\\.{_LABEL})* *$"}  # trimmed, lowercased
VERIFY_REQUEST = obj({"tenantId": UUID, "kitId": UUID, "token": text(256), "hostname": HOSTNAME,
                      "agentType": text(63), "version": text(64)}, ("kitId", "token", "hostname", "agentType", "version"),
                     extra=False)
AGENT_CREDENTIAL = obj({"tenantId": UUID, "agentId": UUID, "agentToken": STR, "agentTokenExpiresAt": TIME},
                       ("tenantId", "agentId", "agentToken", "agentTokenExpiresAt"), extra=False)
VERIFY_RESULT = obj({"verified": {"type": "boolean"}, "tenantId": UUID, "kitId": UUID, "agentId": UUID,
                     "hostname": STR, "agentType": STR, "registeredAt": TIME, "reenrolled": {"type": "boolean"},
                     "agentToken": STR, "agentTokenExpiresAt": TIME},
                    ("verified", "tenantId", "kitId", "agentId", "hostname", "agentType", "registeredAt", "reenrolled",
                     "agentToken", "agentTokenExpiresAt"), extra=False)
AGENT_REVOKED = obj({"tenantId": UUID, "agentId": UUID, "hostname": STR, "agentType": STR, "revokedAt": TIME,
                     "alreadyRevoked": {"type": "boolean"}},
                    ("tenantId", "agentId", "hostname", "agentType", "revokedAt", "alreadyRevoked"), extra=False)
KIT_REVOKED = obj({"kitId": UUID, "state": {"type": "string", "enum": ["revoked"]}, "revokedAt": TIME},
                  ("kitId", "state", "revokedAt"), extra=False)
KIT_VERIFICATION = obj({"kitId": UUID, "state": {"type": "string",
                                                 "enum": ["pending", "issued", "verified", "expired", "revoked"]},
                        "format": {"type": "string", "enum": ["zip", "tar.gz"]},
                        "agents": {"type": "array", "items": STR},
                        "issuedAt": NULLABLE_TIME, "expiresAt": TIME, "verifiedAt": NULLABLE_TIME,
                        "revokedAt": NULLABLE_TIME, "failedAttempts": INT, "archiveSha256": NULLABLE_STR,
                        "maxAgents": INT, "agentsEnrolled": INT, "limit": INT,
                        "registeredAgents": {"type": "array", "items": obj(
                            {"agentId": UUID, "hostname": STR, "agentType": STR}, ("agentId", "hostname", "agentType"),
                            extra=False)}},
                       ("kitId", "state", "format", "agents", "issuedAt", "expiresAt", "verifiedAt", "revokedAt",
                        "failedAttempts", "archiveSha256", "maxAgents", "agentsEnrolled", "limit", "registeredAgents"),
                       extra=False)
_STAGES = ["not_started", "kit_issued", "agent_verified", "active"]
BOOTSTRAP_STATUS = obj({"tenantId": UUID, "stage": {"type": "string", "enum": _STAGES},
                        "stages": {"type": "array", "items": {"type": "string", "enum": _STAGES}},
                        "kitsIssued": INT, "agentsVerified": INT, "tenantCreatedAt": TIME,
                        "firstKitAt": NULLABLE_TIME, "firstAgentVerifiedAt": NULLABLE_TIME,
                        "lastHeartbeatAt": NULLABLE_TIME},
                       ("tenantId", "stage", "stages", "kitsIssued", "agentsVerified", "tenantCreatedAt", "firstKitAt",
                        "firstAgentVerifiedAt", "lastHeartbeatAt"), extra=False)
SCAN = obj({"tenantId": UUID, "scannedAt": TIME,
            "findings": {"type": "array", "items": obj({"kind": STR, "severity": {"type": "string",
                                                         "enum": ["critical", "warning", "info"]},
                                                         "subject": STR, "message": STR},
                                                        ("kind", "severity", "subject", "message"), extra=False)},
            "summary": obj({"critical": INT, "warning": INT, "info": INT}, ("critical", "warning", "info"), extra=False),
            "limit": INT, "truncated": {"type": "boolean"}},
           ("tenantId", "scannedAt", "findings", "summary", "limit", "truncated"), extra=False)
HEARTBEAT = obj({"agentId": UUID, "cpuPercent": {"type": "number", "minimum": 0, "maximum": 100},
                 "memoryMb": {"type": "number", "minimum": 0, "maximum": 1_000_000_000},
                 "eventsSent": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
                 "status": {"type": "string", "enum": ["ok", "degraded", "error"]}}, ("agentId",), extra=False)
HEARTBEAT_ACCEPTED = obj({"accepted": {"type": "boolean"}, "heartbeatId": INT, "agentId": UUID},
                         ("accepted", "heartbeatId", "agentId"), extra=False)
TELEMETRY = obj({"window": STR, "since": TIME, "heartbeats": INT, "reportingAgents": INT, "registeredAgents": INT,
                 "avgCpuPercent": NULLABLE_NUMBER, "maxCpuPercent": NULLABLE_NUMBER, "avgMemoryMb": NULLABLE_NUMBER,
                 "eventsSent": INT,
                 "byStatus": obj({"ok": INT, "degraded": INT, "error": INT}, ("ok", "degraded", "error"), extra=False),
                 "lastHeartbeatAt": NULLABLE_TIME},
                ("window", "since", "heartbeats", "reportingAgents", "registeredAgents", "avgCpuPercent",
                 "maxCpuPercent", "avgMemoryMb", "eventsSent", "byStatus", "lastHeartbeatAt"), extra=False)
# Who acted: the token's sub and role and the client address (null for rows written before 0.2).
ACTOR = {"type": ["object", "null"], "properties": {"sub": STR, "role": STR, "address": STR},
         "additionalProperties": False}
ACTIVITY = obj({"id": INT, "kind": STR, "detail": OBJECT, "actor": ACTOR, "createdAt": TIME},
               ("id", "kind", "detail", "actor", "createdAt"), extra=False)
AUDIT_EVENT = obj({"id": INT, "event": STR, "outcome": {"type": "string", "enum": ["success", "failure"]},
                   "kitId": NULLABLE_STR, "detail": OBJECT, "actor": ACTOR, "createdAt": TIME, "repeats": INT},
                  ("id", "event", "outcome", "kitId", "detail", "actor", "createdAt", "repeats"), extra=False)
AGENTS = obj({"items": {"type": "array", "items": obj(
                  {"agentId": UUID, "hostname": STR, "agentType": STR, "version": STR, "kitId": NULLABLE_STR,
                   "registeredAt": TIME, "lastSeenAt": TIME, "revokedAt": NULLABLE_TIME},
                  ("agentId", "hostname", "agentType", "version", "kitId", "registeredAt", "lastSeenAt", "revokedAt"),
                  extra=False)},
              "total": INT}, ("items", "total"), extra=False)

