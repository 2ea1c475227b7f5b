"""Keys: a JWKS of public keys (ES256, EdDSA, RS256) chosen by kid, rotation without restart,
algorithm confusion refused, the verified-token cache, and `fedgate token issue`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from shim.auth.keys import Keyring
from shim.auth.tokens import TokenVerifier
from shim.config import ConfigError
from shim.errors import GatewayError
from tests.api_client import FED, assert_error, create_tenant
from tests.federation import AUDIENCE, Federation, JWT_SECRET, bearer, http_client, start_gateway


def _keypair(alg: str) -> tuple[Any, dict[str, Any]]:
    if alg == "ES256":
        private: Any = ec.generate_private_key(ec.SECP256R1())
        jwk = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
    elif alg == "EdDSA":
        private = ed25519.Ed25519PrivateKey.generate()
        jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    else:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return private, {**jwk, "alg": alg, "kid": f"{alg.lower()}-{uuid.uuid4().hex[:6]}", "use": "sig"}


def _claims(**over: Any) -> dict[str, Any]:
    return {"role": "operator", "sub": "idp-user", "aud": AUDIENCE, "exp": int(time.time()) + 300, **over}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _hmac_forgery(claims: dict[str, Any], secret: bytes, kid: str) -> str:
    """An HS256 token keyed with a public key (PyJWT itself refuses to make one)."""
    signing_input = f"{_b64(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': kid}).encode())}." \
                    f"{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


def _write(path: Path, *jwks: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"keys": list(jwks)}))
    os.replace(tmp, path)
    os.utime(path, ns=(time.time_ns(), time.time_ns()))


def test_a_jwks_gateway_takes_each_algorithm_rotates_and_refuses_confusion(federation: Federation,
                                                                            tmp_path: Path) -> None:
    keys = {alg: _keypair(alg) for alg in ("ES256", "EdDSA", "RS256")}
    path = tmp_path / "jwks.json"
    _write(path, *(jwk for _, jwk in keys.values()))
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_JWT_KEYS": str(path)})
    try:
        with http_client(base_url=gw.base_url, timeout=15) as http:
            def status(token: str) -> int:
                return http.get(f"{FED}/regions", headers={"Authorization": f"Bearer {token}"}).status_code

            for alg, (private, jwk) in keys.items():
                assert status(jwt.encode(_claims(), private, algorithm=alg, headers={"kid": jwk["kid"]})) == 200, alg
            es_private, es_jwk = keys["ES256"]
            assert status(jwt.encode(_claims(), es_private, algorithm="ES256", headers={"kid": "nobody"})) == 401
            # Algorithm confusion: the RSA public key (which anyone may hold) as an HMAC secret.
            rsa_public_pem = keys["RS256"][0].public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            forged = _hmac_forgery(_claims(), rsa_public_pem, keys["RS256"][1]["kid"])
            assert status(forged) == 401
            # A kid naming an ES256 key with an RS256 header: the key's own algorithm only.
            assert status(jwt.encode(_claims(), keys["RS256"][0], algorithm="RS256",
                                     headers={"kid": es_jwk["kid"]})) == 401
            # Rotation: a new key in the file is taken without a restart; the HS256 secret still works.
            new_private, new_jwk = _keypair("ES256")
            _write(path, new_jwk, *(jwk for _, jwk in keys.values()))
            assert status(jwt.encode(_claims(), new_private, algorithm="ES256", headers={"kid": new_jwk["kid"]})) == 200
            assert status(bearer()["Authorization"].split()[1]) == 200
    finally:
        gw.stop()


def test_a_private_or_symmetric_key_in_the_jwks_is_refused(tmp_path: Path) -> None:
    private, jwk = _keypair("ES256")
    private_jwk = {**ECAlgorithm.to_jwk(private, as_dict=True), "kid": "priv", "alg": "ES256"}
    for bad in (private_jwk, {"kty": "oct", "k": "c2VjcmV0", "kid": "sym", "alg": "HS256"}):
        _write(tmp_path / "bad.json", jwk, bad)
        with pytest.raises(ConfigError, match="private or symmetric"):
            Keyring(JWT_SECRET, str(tmp_path / "bad.json"))


def test_verified_tokens_are_cached_until_they_expire() -> None:
    verifier = TokenVerifier(Keyring(JWT_SECRET), AUDIENCE, leeway=0)
    short = jwt.encode(_claims(exp=int(time.time()) + 2), JWT_SECRET, algorithm="HS256")
    first = verifier.verify(f"Bearer {short}")
    assert verifier.verify(f"Bearer {short}") is first  # served from the cache
    time.sleep(3.1)
    with pytest.raises(GatewayError) as refused:
        verifier.verify(f"Bearer {short}")
    assert refused.value.status == 401 and "expired" in refused.value.message


def _fedgate(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "shim.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=60)


def test_token_issue_mints_what_the_gateway_accepts(federation: Federation, tmp_path: Path) -> None:
    gw = start_gateway(federation.control_url, tmp_path)
    env = {"FEDGATE_JWT_SECRET": JWT_SECRET}
    try:
        with gw.client() as op:
            tenant = create_tenant(op)
        issued = _fedgate("token", "issue", "--role", "tenant", "--tenant", tenant, "--ttl", "10m",
                          "--sub", "alice", env=env)
        assert issued.returncode == 0, issued.stderr
        minted = issued.stdout.strip()
        assert "\n" not in minted and "expires" in issued.stderr
        with http_client(base_url=gw.base_url, timeout=15) as http:
            as_alice = {"Authorization": f"Bearer {minted}"}
            assert http.get(f"{FED}/tenants/{tenant}/status", headers=as_alice).status_code == 200
            assert_error(http.post(f"{FED}/tenants", json={"name": "x", "region": "eu-west"}, headers=as_alice),
                         403, "FGW403")
        claims = jwt.decode(minted, JWT_SECRET, algorithms=["HS256"], audience=AUDIENCE)
        assert claims["sub"] == "alice" and 590 <= claims["exp"] - claims["iat"] <= 600
    finally:
        gw.stop()
    refused = _fedgate("token", "issue", "--role", "tenant", env=env)
    assert refused.returncode == 2 and "needs --tenant" in refused.stderr
    refused = _fedgate("token", "issue", "--role", "operator", "--ttl", "400d", env=env)
    assert refused.returncode == 2 and "at most 365d" in refused.stderr


def test_a_previous_secret_still_verifies_during_a_rotation() -> None:
    old, new = JWT_SECRET, "the-new-hs256-secret-of-32-bytes-or-more"
    by_old = jwt.encode(_claims(), old, algorithm="HS256")
    by_new = jwt.encode(_claims(), new, algorithm="HS256")
    rotating = TokenVerifier(Keyring(new, previous_secret=old), AUDIENCE)
    assert rotating.verify(f"Bearer {by_old}").role == rotating.verify(f"Bearer {by_new}").role == "operator"
    with pytest.raises(GatewayError) as refused:
        TokenVerifier(Keyring(new), AUDIENCE).verify(f"Bearer {by_old}")
    assert "signature" in refused.value.message
