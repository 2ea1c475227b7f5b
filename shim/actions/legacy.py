"""Retiring the legacy namespace: its sunset date, turning its routes off and on, what that would do.

The catalog holds the policy (``federation.set_legacy_sunset``, ``legacy_off``, ``legacy_on``) and every
gateway worker follows it from its NOTIFY; ``fedgate legacy …`` and ``/admin/v1/legacy/…`` call these.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from shim.nodes.connector import Connector


def set_sunset(connector: Connector, day: date | None) -> dict[str, Any]:
    """Every legacy response carries Deprecation, Sunset (this date) and the successor Link; None lifts it."""
    connector.rows("set_legacy_sunset", day)
    return status(connector)


def turn_off(connector: Connector, tenant: UUID | None = None) -> dict[str, Any]:
    """The legacy routes answer 410 for this tenant (None: for everyone)."""
    connector.rows("legacy_off", tenant)
    return status(connector)


def turn_on(connector: Connector, tenant: UUID | None = None) -> dict[str, Any]:
    """Undo ``turn_off``: for this tenant, or for everyone (None: every switch)."""
    connector.rows("legacy_on", tenant)
    return status(connector)


def status(connector: Connector) -> dict[str, Any]:
    """The sunset, the switches, who still has data on the default node and who called in 24 hours, and
    whether turning it off now would break anyone."""
    return connector.rows("legacy_status")[0]
