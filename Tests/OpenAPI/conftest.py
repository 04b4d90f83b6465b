"""Shared fixtures: the OpenAPI document, a live hpclab server, and a checker that
validates real responses against what the document says for them.

The server under test is either the one `scripts/openapi-check.sh` started
(`HPCLAB_OPENAPI_URL`), or one started here from `HPCLAB_BIN` (default
`.build/debug/hpclab`) on a free port with a fresh data directory. Either way it
runs with `--max-dimension 16` (`HPCLAB_OPENAPI_MAX_DIMENSION`) so that no
generated matmul can be slow (see test_schemathesis.py), with `--rate-limit 0` so
that the many jobs the tests create are not throttled, and with no `--token`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT_PATH = ROOT / "public" / "openapi.json"
DOC_URI = "urn:hpclab:openapi"

# The limits the test server runs with; the document keeps the server's defaults.
TEST_MAX_DIMENSION = int(os.environ.get("HPCLAB_OPENAPI_MAX_DIMENSION", "16"))
SERVER_FLAGS = ["--max-dimension", str(TEST_MAX_DIMENSION), "--job-timeout", "30", "--rate-limit", "0"]


def hpclab_binary() -> Path:
    explicit = os.environ.get("HPCLAB_BIN")
    candidates = [Path(explicit)] if explicit else [ROOT / ".build/debug/hpclab", ROOT / ".build/release/hpclab"]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(f"no hpclab binary at {', '.join(map(str, candidates))}: build it or set HPCLAB_BIN")


class Server:
    """One `hpclab serve` process on a free port, with its own data directory."""

    def __init__(self, flags: list[str], data_dir: Path | None = None):
        self.flags = flags
        self.owned_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="hpclab-openapi-"))
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self, timeout: float = 60) -> "Server":
        self.log_path = self.data_dir / f"server-{time.monotonic_ns()}.log"
        self.log = open(self.log_path, "w")
        command = [str(hpclab_binary()), "serve", "--host", "127.0.0.1", "--port", "0",
                   "--data-dir", str(self.data_dir / "data"), "--public-dir", str(ROOT / "public"), *self.flags]
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(r"listening on (http://[0-9.]+:[0-9]+)", self.log_path.read_text())
            if match:
                self.url = match.group(1)
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        pytest.fail(f"hpclab did not start:\n{self.log_path.read_text()[-4000:]}")

    def kill_hard(self) -> None:
        """SIGKILL, as a crash would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.log.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()

    def cleanup(self) -> None:
        self.stop()
        if self.owned_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)


# Lines for the end of the run (e.g. what schemathesis covered), printed by pytest_terminal_summary.
SUMMARY_LINES: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if SUMMARY_LINES:
        terminalreporter.section("openapi")
        for line in SUMMARY_LINES:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def document() -> dict:
    return json.loads(DOCUMENT_PATH.read_text())


@pytest.fixture(scope="session")
def base_url():
    """The server under test: the script's, or one started for this session."""
    url = os.environ.get("HPCLAB_OPENAPI_URL")
    if url:
        yield url.rstrip("/")
        return
    server = Server(SERVER_FLAGS).start()
    try:
        yield server.url
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def http() -> requests.Session:
    session = requests.Session()
    yield session
    session.close()


def pointer(*parts: str) -> str:
    return "/".join(quote(p.replace("~", "~0").replace("/", "~1"), safe="~{}$") for p in parts)


class Contract:
    """Checks a real response against the document: the response object for its status
    (or `default`), its content type, its required headers and its body's schema."""

    def __init__(self, document: dict):
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(DOC_URI, resource)

    def resolve(self, node: dict) -> tuple[dict, list[str]]:
        """Follows a local `$ref`; returns the node and its JSON pointer parts."""
        path: list[str] = []
        while "$ref" in node:
            path = node["$ref"].removeprefix("#/").split("/")
            node = self.document
            for part in path:
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, path

    def validator(self, parts: list[str]) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"{DOC_URI}#/{pointer(*parts)}"}, registry=self.registry,
                                    format_checker=FormatChecker())

    def validate(self, instance, schema_name: str) -> None:
        """Validates an instance against `#/components/schemas/{schema_name}`."""
        errors = sorted(self.validator(["components", "schemas", schema_name]).iter_errors(instance), key=str)
        assert not errors, f"{schema_name}: " + "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])

    def check(self, method: str, template: str, response: requests.Response) -> dict:
        """Asserts that the response is one the operation documents; returns its response object."""
        operation = self.document["paths"][template][method.lower()]
        status = str(response.status_code)
        key = status if status in operation["responses"] else "default"
        assert key in operation["responses"], f"{method} {template}: {status} is not documented"
        documented, ref_path = self.resolve(operation["responses"][key])
        base = ref_path or ["paths", template, method.lower(), "responses", key]
        for name, header in documented.get("headers", {}).items():
            header, _ = self.resolve(header)
            if header.get("required"):
                assert name in response.headers, f"{method} {template} {status}: no {name} header"
        content = documented.get("content")
        if not content:
            assert not response.content, f"{method} {template} {status}: unexpected body"
            return documented
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        entry = media_type if media_type in content else "*/*"
        assert entry in content, f"{method} {template} {status}: Content-Type {media_type} not in {sorted(content)}"
        if media_type.endswith("json") and "schema" in content[entry]:
            errors = sorted(self.validator(base + ["content", entry, "schema"]).iter_errors(response.json()), key=str)
            assert not errors, f"{method} {template} {status}: " + "; ".join(
                f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
        return documented


@pytest.fixture(scope="session")
def contract(document) -> Contract:
    return Contract(document)


def parse_sse(text: str) -> list[dict]:
    """Server-Sent Events as dicts with `id`, `event`, `data` (and `retry` where given)."""
    events, current = [], {}
    for line in text.split("\n"):
        if line == "":
            if "data" in current:
                events.append(current)
            current = {}
            continue
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        current[field] = current.get(field, "") + ("\n" if field == "data" and field in current else "") + value
    return events


def raw_request(base_url: str, data: bytes) -> bytes:
    """Sends bytes on a fresh connection; returns everything read until the server closes it."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def split_reply(reply: bytes) -> tuple[int, dict, bytes]:
    """A raw HTTP/1.1 reply as status, headers (names as sent) and body."""
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split(" ")[1]), headers, body
