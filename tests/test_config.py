"""Settings: read from the environment, overridden by flags, validated once."""

from __future__ import annotations

import pytest

from shim.config import ConfigError, Settings


SECRET = {"FEDGATE_JWT_SECRET": "s" * 32}


def test_environment_and_overrides() -> None:
    env = {"FEDGATE_DATABASE_URL": "postgresql:///control", "FEDGATE_PORT": "9000", "FEDGATE_POOL_TIMEOUT": "1.5",
           "FEDGATE_JWT_SECRET": "a-secret-of-at-least-thirty-two-bytes"}
    settings = Settings.from_env(env, workers=3)
    assert (settings.port, settings.pool_timeout, settings.workers) == (9000, 1.5, 3)
    assert settings.public_url == "http://127.0.0.1:9000"
    assert settings.call_bound_seconds == 1.5 + 5 + 1
    assert "control" not in repr(settings)  # the DSN is not in the repr (logs, tracebacks)
    assert "thirty-two" not in repr(settings)  # nor the token secret
    assert (settings.jwt_audience, settings.jwt_leeway) == ("fedgate", 10.0)


@pytest.mark.parametrize("env,message", [
    ({}, "no control database"),
    ({"FEDGATE_PORT": "eighty"}, "FEDGATE_PORT must be an integer"),
    ({"FEDGATE_PORT": "70000"}, "port must be 1-65535"),
    ({"FEDGATE_POOL_TIMEOUT": "0"}, "pool_timeout must be positive"),
    ({"FEDGATE_POOL_MAX_SIZE": "50", "FEDGATE_POOL_TOTAL_MAX": "10"}, "pool sizes"),
    ({"FEDGATE_PUBLIC_URL": "ftp://x"}, "FEDGATE_PUBLIC_URL"),
    ({"FEDGATE_JWT_SECRET": ""}, "no token key"),
    ({"FEDGATE_JWT_SECRET": "short"}, "at least 32 bytes"),
    ({"FEDGATE_JWT_SECRET": "", "FEDGATE_JWT_KEYS": "/x/jwks.json"}, "needs FEDGATE_JWT_SECRET too"),
    ({"FEDGATE_JWT_LEEWAY": "60"}, "0-30 seconds"),
])
def test_bad_settings_are_refused_clearly(env: dict, message: str) -> None:
    base = SECRET if "no control" in message else {"FEDGATE_DATABASE_URL": "postgresql:///c", **SECRET}
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({**base, **env})
