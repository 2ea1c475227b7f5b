"""The keys that verify bearer tokens, and the one that signs the gateway's own.

``FEDGATE_JWT_SECRET`` is an HS256 key: it verifies HS256 tokens and signs the
agent credentials the gateway issues (and ``fedgate token issue``).
``FEDGATE_JWT_PREVIOUS_SECRET``, during a rotation, still verifies (never signs).
``FEDGATE_JWT_KEYS`` names a JWKS file of public keys (ES256, EdDSA, RS256), the
organisation's identity provider: a token names its key with ``kid``; several
keys at once let keys rotate without downtime, and the file is read again when
a token names a kid it does not know, and at most every 10 seconds otherwise,
when the file changed: a key added is taken at once, a key removed stops
verifying within 10 seconds (tokens verified before stay cached until they
expire).

Each key verifies with its own algorithm only (pinned): a token's ``alg`` header
chooses nothing but which key to try, so ``alg: none`` and algorithm confusion
(an RS256 public key used as an HMAC secret) find no key.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

from jwt import PyJWK
from jwt.exceptions import PyJWKError

from shim.config import ConfigError

HS256 = "HS256"
ASYMMETRIC = frozenset({"ES256", "EdDSA", "RS256"})
RECHECK_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Key:
    kid: str | None
    algorithm: str
    key: Any  # bytes for HS256, a cryptography public key otherwise


def _load_jwks(path: str) -> dict[str, Key]:
    try:
        with open(path, encoding="utf-8") as f:
            document = json.load(f)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"FEDGATE_JWT_KEYS: cannot read a JWKS from {path}: {type(exc).__name__}") from None
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ConfigError("FEDGATE_JWT_KEYS: the file must be a JWKS: {\"keys\": [...]} with at least one key")
    keys: dict[str, Key] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("kid"):
            raise ConfigError(f"FEDGATE_JWT_KEYS: key {i} has no kid")
        if "d" in entry or entry.get("kty") == "oct":
            raise ConfigError(f"FEDGATE_JWT_KEYS: key {entry['kid']!r} is private or symmetric: give public keys only")
        try:
            jwk = PyJWK(entry)
        except PyJWKError as exc:
            raise ConfigError(f"FEDGATE_JWT_KEYS: key {entry['kid']!r}: {exc}") from None
        if jwk.algorithm_name not in ASYMMETRIC:
            raise ConfigError(f"FEDGATE_JWT_KEYS: key {entry['kid']!r} uses {jwk.algorithm_name}; "
                              f"allowed: {', '.join(sorted(ASYMMETRIC))}")
        keys[entry["kid"]] = Key(entry["kid"], jwk.algorithm_name, jwk.key)
    return keys


class Keyring:
    """The verification keys, and the gateway's signing secret."""

    def __init__(self, secret: str, jwks_path: str = "", previous_secret: str = "") -> None:
        self.secret = secret.encode()
        self._hs = [Key(None, HS256, self.secret)] + ([Key(None, HS256, previous_secret.encode())]
                                                       if previous_secret else [])
        self._path = jwks_path
        self._lock = threading.Lock()
        self._mtime = os.stat(jwks_path).st_mtime_ns if jwks_path else 0
        self._jwks = _load_jwks(jwks_path) if jwks_path else {}
        self._checked = time.monotonic()

    def _reload_if_changed(self) -> None:
        self._checked = time.monotonic()
        try:
            mtime = os.stat(self._path).st_mtime_ns
        except OSError:
            return
        with self._lock:
            if mtime != self._mtime:
                try:
                    self._jwks = _load_jwks(self._path)
                except ConfigError:
                    return  # a half-written file: keep the keys that work
                self._mtime = mtime

    def keys_for(self, header: dict[str, Any]) -> list[Key]:
        """The keys that may verify a token with this header (the HS256 secrets, or the JWKS key its
        kid names), or none."""
        alg = header.get("alg")
        if alg == HS256:
            return self._hs
        if alg not in ASYMMETRIC or not self._path:
            return []
        kid = header.get("kid")
        if time.monotonic() - self._checked > RECHECK_SECONDS:
            self._reload_if_changed()
        if not isinstance(kid, str):
            return list(self._jwks.values()) if len(self._jwks) == 1 else []
        if kid not in self._jwks:
            self._reload_if_changed()
        return [self._jwks[kid]] if kid in self._jwks else []
