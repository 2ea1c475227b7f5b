"""Retiring the legacy namespace (the spec's phase 5): its responses say it is going and where to go, its
routes can be turned off (410), and who still calls it is recorded.

Deprecation (RFC 9745: ``@<epoch seconds>``, since when), Sunset (RFC 8594: an HTTP-date) and
``Link: <federated path>; rel="successor-version"`` on every legacy response once a sunset date is set
(``fedgate legacy sunset``); the Link alone on a 410. The policy is the catalog's
(``federation.legacy_policy``, ``legacy_off``), kept in each worker and reloaded on its NOTIFY.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from email.utils import format_datetime
from functools import lru_cache
from uuid import UUID

from shim.errors import GatewayError
from shim.nodes.catalog import LegacyPolicy
from shim.request.endpoints import FEDERATED_PREFIX, LEGACY_PREFIX


def successor(path: str) -> str:
    """A legacy path's successor: the same path in the federated namespace."""
    return FEDERATED_PREFIX + path.removeprefix(LEGACY_PREFIX)


def successor_link(path: str) -> str:
    """The successor as a Link header's value."""
    return f'<{successor(path)}>; rel="successor-version"'


def refuse_if_off(policy: LegacyPolicy, tenant: UUID | None, path: str) -> None:
    """410 FGW410 when the legacy routes are off for this tenant (or for everyone)."""
    if policy.is_off(tenant):
        whom = "everyone" if policy.all_off else f"tenant {tenant}"
        raise GatewayError(410, "FGW410", f"the legacy namespace is turned off for {whom}",
                           details={"successor": successor(path)},
                           hint="call the same path under /federation/api/onboarding",
                           headers={"Link": successor_link(path)})


def sunset_headers(policy: LegacyPolicy, path: str) -> dict[str, str]:
    """What every legacy response carries once a sunset date is set; nothing before."""
    if policy.sunset is None or policy.deprecated_at is None:
        return {}
    deprecation, sunset = _dates(policy.sunset, policy.deprecated_at)
    return {"Deprecation": deprecation, "Sunset": sunset, "Link": successor_link(path)}


@lru_cache(maxsize=4)
def _dates(sunset: date, deprecated_at: datetime) -> tuple[str, str]:
    """The Deprecation and Sunset values of a policy: formatted once, not per response."""
    midnight = datetime.combine(sunset, time(0, 0), tzinfo=timezone.utc)
    return f"@{int(deprecated_at.timestamp())}", format_datetime(midnight, usegmt=True)
