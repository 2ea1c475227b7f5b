"""`fedgate token issue`: a signed token from the configured HS256 secret.

With a JWKS (``FEDGATE_JWT_KEYS``) operators and tenants get their tokens from
the organisation's identity provider; this command serves deployments that use
the gateway's own secret, and the embedded default (whose secret it finds in
the embedded data directory when ``FEDGATE_JWT_SECRET`` is unset).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from uuid import UUID

from shim.actions.tokens import MAX_TTL, issue_token
from shim.config import ConfigError
_TTL = re.compile(r"^([1-9][0-9]{0,8})([smhd]?)$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_ttl(raw: str) -> int:
    match = _TTL.match(raw.strip())
    if not match:
        raise ConfigError(f"--ttl {raw!r}: give a duration such as 90s, 30m, 1h or 7d")
    seconds = int(match.group(1)) * _UNIT[match.group(2)]
    if seconds > MAX_TTL:
        raise ConfigError("--ttl is at most 365d")
    return seconds


def configured_secret() -> str:
    secret = os.environ.get("FEDGATE_JWT_SECRET", "")
    if secret:
        return secret
    from shim.dev.embedded import existing_secret

    found = existing_secret()
    if found:
        print("using the embedded default's secret (FEDGATE_JWT_SECRET is unset)", file=sys.stderr)
        return found
    raise ConfigError("no HS256 secret: set FEDGATE_JWT_SECRET (with FEDGATE_JWT_KEYS, tokens come from your "
                      "identity provider)")


def cmd_token_issue(args: argparse.Namespace) -> int:
    audience = args.audience or os.environ.get("FEDGATE_JWT_AUDIENCE", "") or "fedgate"
    issuer = args.issuer or os.environ.get("FEDGATE_JWT_ISSUER", "")
    ttl = parse_ttl(args.ttl)
    token, exp = issue_token(configured_secret(), role=args.role, audience=audience, ttl=ttl, sub=args.sub,
                             tenant=args.tenant, agent=args.agent, issuer=issuer)
    print(token)
    print(f"role {args.role}" + (f", tenant {args.tenant}" if args.tenant else "")
          + f", expires {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(exp))}", file=sys.stderr)
    return 0


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    token = sub.add_parser("token", help="bearer tokens").add_subparsers(dest="token_command", required=True)
    p = token.add_parser("issue", help="print a token signed with FEDGATE_JWT_SECRET (the token alone on stdout)")
    p.add_argument("--role", required=True, choices=["operator", "tenant", "agent"])
    p.add_argument("--tenant", type=UUID, help="the tenant a tenant or agent token acts for")
    p.add_argument("--agent", type=UUID, help="the agent id of an agent token")
    p.add_argument("--ttl", default="1h", help="how long it is valid: 90s, 30m, 1h (default), 7d; at most 365d")
    p.add_argument("--sub", help="who it names (audit trail and activity feed); default: the role")
    p.add_argument("--audience", help="default: $FEDGATE_JWT_AUDIENCE or fedgate")
    p.add_argument("--issuer", help="default: $FEDGATE_JWT_ISSUER (none)")
    p.set_defaults(func=cmd_token_issue)
