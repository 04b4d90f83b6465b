"""Access control and CORS, on a server of its own started with `--token t --rate-limit 1
--rate-burst 1 --cors-origin https://example.org` (the other tests' servers run with no
token, no rate limit and no CORS): creating and cancelling jobs needs the bearer token
(401 with `WWW-Authenticate`), reads stay open, a second job within the minute is a 429
with `Retry-After`, and CORS headers are on every response. Each answer is checked
against the document, whose `bearerAuth` is optional for that reason."""

from __future__ import annotations

import time

import pytest

from conftest import Server

TOKEN = "t"
ORIGIN = "https://example.org"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def guarded_server():
    server = Server(["--token", TOKEN, "--rate-limit", "1", "--rate-burst", "1", "--cors-origin", ORIGIN]).start()
    try:
        yield server
    finally:
        server.cleanup()


def assert_unauthorized(response):
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="hpclab"'
    assert response.json()["title"] == "Unauthorized"


def test_token_rate_limit_and_cors(http, guarded_server, contract):
    base = guarded_server.url
    body = {"n": 2000, "backend": "cpu-naive", "repeats": 1}  # runs until cancelled

    # No token, another token, a token in another scheme: 401, before the kind or the body is read.
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = http.post(base + "/jobs/matmul", json=body, headers=headers)
        assert_unauthorized(response)
        contract.check("POST", "/jobs/matmul", response)
    assert_unauthorized(http.post(base + "/jobs/peak", data=b"{"))
    assert_unauthorized(http.post(base + "/jobs/nope", json={}))
    response = http.delete(base + "/jobs/0123456789abcdef")
    assert_unauthorized(response)
    contract.check("DELETE", "/jobs/{id}", response)

    # With the token: created (the 401s above did not count against the rate limit).
    created = http.post(base + "/jobs/matmul", json=body, headers=AUTH)
    assert created.status_code == 202, created.text
    contract.check("POST", "/jobs/matmul", created)
    assert created.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert created.headers["Access-Control-Expose-Headers"] == "Location, Retry-After, Preference-Applied"
    assert created.headers["Vary"] == "Origin"
    url = base + created.headers["Location"]

    # The burst of one is spent: 429 with Retry-After, for any kind and even for a bad body.
    for kind, payload in (("matmul", {"n": 2}), ("vectorize", {}), ("peak", {"repeats": 0})):
        limited = http.post(base + f"/jobs/{kind}", json=payload, headers={"Authorization": f"bearer {TOKEN}"})
        assert limited.status_code == 429, limited.text
        contract.check("POST", f"/jobs/{kind}", limited)
        assert 1 <= int(limited.headers["Retry-After"]) <= 60 and "code" not in limited.json()

    # Reads need no token.
    job = http.get(url)
    assert job.status_code == 200
    contract.check("GET", "/jobs/{id}", job)
    assert http.get(base + "/jobs/kinds").status_code == 200

    # Cancelling needs it.
    deadline = time.monotonic() + 20
    while http.get(url).json()["status"] == "queued" and time.monotonic() < deadline:
        time.sleep(0.05)
    cancelled = http.delete(url, headers=AUTH)
    assert cancelled.status_code in (200, 202), cancelled.text
    contract.check("DELETE", "/jobs/{id}", cancelled)


def test_cors_preflight(http, guarded_server):
    response = http.options(guarded_server.url + "/jobs/matmul", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert response.status_code == 204 and response.content == b""
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    # A plain OPTIONS (no Access-Control-Request-Method) is the usual 204 with Allow.
    plain = http.options(guarded_server.url + "/jobs/matmul")
    assert plain.status_code == 204 and plain.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, POST"
    assert plain.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_cors_headers_on_pages_and_files(http, guarded_server, contract):
    for accept in ("text/html", "application/json"):
        page = http.get(guarded_server.url + "/questions/8", headers={"Accept": accept, "Origin": ORIGIN})
        contract.check("GET", "/questions/{id}", page)
        assert page.headers["Vary"] == "Accept, Origin" and page.headers["Access-Control-Allow-Origin"] == ORIGIN
    file = http.get(guarded_server.url + "/openapi.json")
    contract.check("GET", "/openapi.json", file)
    assert file.headers["Access-Control-Allow-Origin"] == ORIGIN
