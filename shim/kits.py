"""Bootstrap kit rendering: kit data in, archive bytes out. No I/O but the templates.

Files come from the Jinja templates in kit_templates/. Values go through
escapers, never pasted: ``tojson`` for JSON, ``yaml_str`` (a double-quoted
YAML scalar) for agent configs, ``shquote`` for the installer, so any tenant
name yields valid files. Archives are reproducible: files in a fixed order,
every timestamp the kit's generatedAt, no owner names.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import shlex
import tarfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from shim.paths import KIT_TEMPLATES_DIR

KIT_VERSION = "1.0.0"
CONTENT_TYPES = {"zip": "application/zip", "tar.gz": "application/gzip"}


_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def yaml_str(value: Any) -> str:
    """A YAML double-quoted scalar in plain ASCII: any other character escaped (\\u or \\U, never a
    surrogate pair, which YAML would read as two characters)."""
    out = []
    for char in str(value):
        code = ord(char)
        if char in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[char])
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(value: Any) -> str:
    """Text safe to print on a terminal: control and bidi-override characters become '?' (names made
    before they were refused at creation)."""
    return _CONTROL.sub("?", str(value))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(KIT_TEMPLATES_DIR)), autoescape=False,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["shquote"] = lambda value: shlex.quote(str(value))
    env.filters["yaml_str"] = yaml_str
    env.filters["printable"] = printable
    return env


@dataclass(frozen=True)
class KitData:
    """Everything a kit says, as the SQL handlers and the catalog gave it."""

    kit_id: str
    token: str
    format: str
    generated_at: str
    expires_at: str
    tenant: dict[str, Any]          # {id, name, region}
    agents: list[dict[str, Any]]    # [{id, name, version, platforms}]
    regions: list[dict[str, Any]]   # [{code, displayName, endpoint}]
    federation: dict[str, Any]      # {primaryNodeId, primaryRegion, metadata}
    verify_url: str


@dataclass(frozen=True)
class RenderedKit:
    files: tuple[tuple[str, bytes], ...]
    archive: bytes
    sha256: str
    content_type: str
    filename: str

    @property
    def metadata_json(self) -> str:
        return dict(self.files)["metadata.json"].decode()


def render_files(data: KitData) -> list[tuple[str, bytes]]:
    env = environment()
    context = {
        "kit_id": data.kit_id, "token": data.token, "generated_at": data.generated_at,
        "expires_at": data.expires_at, "tenant": data.tenant, "agents": data.agents, "regions": data.regions,
        "region": data.regions[0], "federation": data.federation, "verify_url": data.verify_url,
        "version": KIT_VERSION,
    }
    files = [("metadata.json", env.get_template("metadata.json.j2").render(context))]
    agent_template = env.get_template("agents/agent.yaml.j2")
    for agent in data.agents:
        files.append((f"agents/{agent['id']}.yaml", agent_template.render(context, agent=agent)))
    files.append(("install.sh", env.get_template("install.sh.j2").render(context)))
    files.append(("README.md", env.get_template("README.md.j2").render(context)))
    encoded = sorted((name, text.encode()) for name, text in files)
    sums = "".join(f"{hashlib.sha256(body).hexdigest()}  {name}\n" for name, body in encoded)
    return encoded + [("SHA256SUMS", sums.encode())]


def _mode(name: str) -> int:
    return 0o755 if name.endswith(".sh") else 0o644


def _zip(files: list[tuple[str, bytes]], when: datetime) -> bytes:
    out = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = (0o100000 | _mode(name)) << 16
            archive.writestr(info, body)
    return out.getvalue()


def _tar_gz(files: list[tuple[str, bytes]], when: datetime) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name, body in files:
            info = tarfile.TarInfo(name)
            info.size = len(body)
            info.mtime = int(when.timestamp())
            info.mode = _mode(name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(body))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=int(when.timestamp())) as packed:
        packed.write(raw.getvalue())
    return out.getvalue()


def render(data: KitData) -> RenderedKit:
    """The kit's files and archive; the same data gives the same bytes."""
    if data.format not in CONTENT_TYPES:
        raise ValueError(f"unknown kit format {data.format!r}")
    files = render_files(data)
    when = datetime.fromisoformat(data.generated_at)
    archive = _zip(files, when) if data.format == "zip" else _tar_gz(files, when)
    return RenderedKit(tuple(files), archive, hashlib.sha256(archive).hexdigest(), CONTENT_TYPES[data.format],
                       f"fedgate-kit-{data.kit_id}.{data.format}")
