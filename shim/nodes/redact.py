"""Keeping connection secrets out of logs and messages.

libpq and psycopg name hosts, ports, users and databases in their messages,
and a DSN may carry a password. Everything the gateway logs from the driver
goes through ``redact``; the driver's own loggers get a filter that does it.
"""

from __future__ import annotations

import logging
import re

_PATTERNS = (
    re.compile(r"postgres(?:ql)?://\S+", re.IGNORECASE),
    re.compile(r"\b(password|passfile|user|host|hostaddr|port|dbname|service)\s*=\s*('[^']*'|\S+)", re.IGNORECASE),
    re.compile(r'server at "[^"]*"(?:\s*\([^)]*\))?,\s*port \d+', re.IGNORECASE),
    re.compile(r'(user|database|role) "[^"]*"', re.IGNORECASE),
    re.compile(r'on socket "[^"]*"', re.IGNORECASE),
    re.compile(r"\(host=[^)]*\)"),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub("[redacted]", text)
    return text


def classify(exc: BaseException) -> str:
    """A short, secret-free description of why a connection attempt failed."""
    text = str(exc).lower()
    if isinstance(exc, TimeoutError) or "timeout" in text:
        return "timeout"
    for needle, label in (("password authentication failed", "authentication failed"),
                          ("no pg_hba.conf entry", "access refused by pg_hba.conf"),
                          ("connection refused", "connection refused"),
                          ("does not exist", "database or role does not exist"),
                          ("the database system is starting up", "starting up"),
                          ("the database system is shutting down", "shutting down"),
                          ("terminating connection", "terminated by the server"),
                          ("server closed the connection", "connection closed"),
                          ("too many connections", "too many connections")):
        if needle in text:
            return label
    return type(exc).__name__


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with ``redact`` before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record: keep only its template
            message = str(record.msg)
        record.msg = redact(message)
        record.args = ()
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def install() -> None:
    """Filter the driver's loggers (idempotent)."""
    for name in ("psycopg", "psycopg.pool", "psycopg_pool.sched", "psycopg_pool.sched_async"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
