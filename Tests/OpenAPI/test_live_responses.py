"""Real responses, checked against the document: the knowledge API, the generic HTTP
errors, static files and a job's whole life on the server under test. Schemathesis
(test_schemathesis.py) explores inputs; these pin the cases it is unlikely to reach
and read the answers field by field."""

from __future__ import annotations

import json

import pytest

from conftest import DOCUMENT_PATH, TEST_MAX_DIMENSION, parse_sse, raw_request


# ---------------------------------------------------------------- knowledge


@pytest.mark.parametrize(
    "target, template",
    [
        ("/healthz", "/healthz"),
        ("/questions", "/questions"),
        ("/questions?topic=cuda&limit=3&offset=1", "/questions"),
        ("/questions?q=warp&topic=cuda&limit=2", "/questions"),
        ("/questions?q=coalesing", "/questions"),
        ("/questions?q=warp+divergence+zzzz", "/questions"),
        ("/questions/8", "/questions/{id}"),
        ("/questions/memory-coalescing-in-cuda", "/questions/{id}"),
        ("/keywords", "/keywords"),
        ("/keywords?q=__slots__", "/keywords"),
        ("/keywords/slots", "/keywords/{slug}"),
        ("/tables", "/tables"),
        ("/tables/method-types", "/tables/{slug}"),
        ("/search?q=warp", "/search"),
        ("/search?q=slots&kind=keyword,table", "/search"),
        ("/search?q=title:warp&mode=raw", "/search"),
        ("/topics", "/topics"),
        ("/devices", "/devices"),
        ("/jobs", "/jobs"),
    ],
)
def test_knowledge_answers_match(http, base_url, contract, target, template):
    response = http.get(base_url + target)
    assert response.status_code == 200, response.text
    contract.check("GET", template, response)


def test_listing_and_search_shapes(http, base_url):
    listing = http.get(base_url + "/questions").json()
    assert listing["total"] == len(listing["results"]) == 22
    assert listing["mode"] == "list" and listing["query"] is None
    assert all("score" not in r and "snippet" not in r for r in listing["results"])
    keyword = http.get(base_url + "/search?q=slots&kind=keyword").json()["results"][0]
    assert keyword["kind"] == "keyword" and "id" not in keyword and keyword["topics"] == []
    hit = http.get(base_url + "/search?q=warp&kind=question").json()["results"][0]
    assert {"id", "score", "snippet"} <= hit.keys()


@pytest.mark.parametrize(
    "target, template, status, field",
    [
        ("/questions/999", "/questions/{id}", 404, None),
        ("/keywords/nope", "/keywords/{slug}", 404, None),
        ("/tables/nope", "/tables/{slug}", 404, None),
        ("/search", "/search", 400, "q"),
        ("/search?q=%20", "/search", 400, "q"),
        ("/search?q=" + "a" * 2001, "/search", 400, "q"),
        ("/search?q=warp&kind=video", "/search", 400, "kind"),
        ("/search?q=NEAR(&mode=raw", "/search", 400, "q"),
        ("/questions?q=warp&mode=fuzzy", "/questions", 400, "mode"),
        ("/questions?limit=ten", "/questions", 400, "limit"),
        ("/keywords?offset=10001", "/keywords", 400, "offset"),
        ("/tables?offset=-1", "/tables", 400, "offset"),
        ("/jobs?status=done", "/jobs", 400, "status"),
        ("/jobs/0123456789abcdef", "/jobs/{id}", 404, None),
        ("/jobs/0123456789abcdef/events", "/jobs/{id}/events", 404, None),
        ("/jobs/0123456789abcdef/result", "/jobs/{id}/result", 404, None),
        ("/nope.txt", "/{file}", 404, None),
        ("/.git", "/{file}", 404, None),
        ("/%2e%2e/etc/passwd", "/{file}", 400, None),
    ],
)
def test_errors_are_documented_problems(http, base_url, contract, target, template, status, field):
    response = http.get(base_url + target)
    assert response.status_code == status, response.text
    contract.check("GET", template, response)
    problem = response.json()
    assert problem["status"] == status
    assert problem.get("field") == field


# ---------------------------------------------------------------- HTTP and methods


def test_wrong_method_is_405_with_allow(http, base_url, contract):
    response = http.post(base_url + "/healthz")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS"
    contract.check("GET", "/healthz", response)  # the `default` response
    contract.validate(response.json(), "Problem")
    response = http.get(base_url + "/jobs/matmul")
    assert response.status_code == 405 and response.headers["Allow"] == "OPTIONS, POST"
    response = http.put(base_url + "/jobs/0123456789abcdef")
    assert response.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS"


def test_options_head_and_unknown_methods(http, base_url, contract):
    response = http.options(base_url + "/questions")
    assert response.status_code == 204 and response.headers["Allow"] == "GET, HEAD, OPTIONS"
    response = http.head(base_url + "/questions")
    assert response.status_code == 200 and response.content == b""
    assert int(response.headers["Content-Length"]) > 0
    response = http.request("BREW", base_url + "/healthz")
    assert response.status_code == 501
    contract.validate(response.json(), "Problem")
    response = http.post(base_url + "/nope")
    assert response.status_code == 404
    contract.validate(response.json(), "Problem")


@pytest.mark.parametrize(
    "request_bytes, status",
    [
        (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(101)) + b"\r\n", 431),
        (b"GET /healthz HTTP/1.1\r\n\r\n", 400),
        (b"POST /jobs/matmul HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        (b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505),
    ],
)
def test_bad_http_is_a_problem(base_url, contract, request_bytes, status):
    reply = raw_request(base_url, request_bytes)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), head
    assert b"Content-Type: application/problem+json" in head
    contract.validate(json.loads(body), "Problem")


# ---------------------------------------------------------------- static files


def test_static_files(http, base_url, contract):
    index = http.get(base_url + "/")
    assert index.status_code == 200 and index.headers["Content-Type"].startswith("text/html")
    contract.check("GET", "/", index)
    document = http.get(base_url + "/openapi.json")
    contract.check("GET", "/openapi.json", document)
    assert document.content == DOCUMENT_PATH.read_bytes()
    again = http.get(base_url + "/openapi.json", headers={"If-None-Match": document.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    contract.check("GET", "/openapi.json", again)
    file = http.get(base_url + "/index.html")
    contract.check("GET", "/{file}", file)
    assert file.content == index.content


# ---------------------------------------------------------------- a job's life


def test_job_lifecycle(http, base_url, contract):
    body = {"a": [[1, 2], [3, 4]], "b": [[5], [6]], "dtype": "float64"}
    created = http.post(base_url + "/jobs/matmul", json=body, headers={"Prefer": "wait=30"})
    assert created.status_code == 200, created.text
    contract.check("POST", "/jobs/matmul", created)
    job = created.json()
    assert created.headers["Location"] == f"/jobs/{job['id']}"
    assert created.headers["Preference-Applied"] == "wait=30"
    assert job["status"] == "succeeded" and job["error"] is None and job["idempotency_key"] is None
    assert job["result"]["shape"] == [2, 1] and "seed" not in job["result"] and "kernel_config" not in job["result"]
    assert "kernel_seconds" not in job["timings"] and job["links"]["result"] == f"/jobs/{job['id']}/result"
    assert job["spec"] == {"a": [[1, 2], [3, 4]], "b": [[5], [6]], "backend": "blas", "dtype": "float64",
                           "k": 2, "m": 2, "n": 1, "repeats": 3}

    got = http.get(base_url + job["links"]["self"] + "?wait=5")
    contract.check("GET", "/jobs/{id}", got)
    assert got.json() == job

    result = http.get(base_url + job["links"]["result"])
    contract.check("GET", "/jobs/{id}/result", result)
    assert result.json() == {"dtype": "float64", "shape": [2, 1], "data": [[17.0], [39.0]]}
    npy = http.get(base_url + job["links"]["result"], headers={"Accept": "application/x-npy"})
    contract.check("GET", "/jobs/{id}/result", npy)
    assert npy.content.startswith(b"\x93NUMPY")

    events = http.get(base_url + job["links"]["events"], timeout=30)
    contract.check("GET", "/jobs/{id}/events", events)
    parsed = parse_sse(events.text)
    assert [int(e["id"]) for e in parsed] == list(range(1, len(parsed) + 1))
    for event in parsed:
        data = json.loads(event["data"])
        contract.validate(data, "Job" if event["event"] == "status" else "ProgressEvent")
    assert parsed[-1]["event"] == "status" and '"succeeded"' in parsed[-1]["data"]
    resumed = parse_sse(http.get(base_url + job["links"]["events"], headers={"Last-Event-ID": "1"}).text)
    assert [e["id"] for e in resumed] == [e["id"] for e in parsed[1:]]

    cancel = http.delete(base_url + job["links"]["self"])
    assert cancel.status_code == 409
    contract.check("DELETE", "/jobs/{id}", cancel)

    listed = http.get(base_url + "/jobs?status=succeeded&limit=1")
    contract.check("GET", "/jobs", listed)
    assert listed.json()["jobs"][0]["status"] == "succeeded"


def test_seeded_opencl_job(http, base_url, contract):
    devices = http.get(base_url + "/devices").json()
    if not devices["opencl"]["available"]:
        response = http.post(base_url + "/jobs/matmul", json={"n": 8, "backend": "opencl"})
        assert response.status_code == 422 and response.json()["code"] == "backend_unavailable"
        contract.check("POST", "/jobs/matmul", response)
        pytest.skip(f"no OpenCL here: {devices['opencl']['reason']}")
    response = http.post(base_url + "/jobs/matmul", json={"n": 8, "backend": "opencl", "kernel": "tiled", "repeats": 1},
                         headers={"Prefer": "wait=60"})
    contract.check("POST", "/jobs/matmul", response)
    job = response.json()
    assert job["status"] == "succeeded", job
    assert {"kernel_config", "device_index", "seed"} <= job["result"].keys()
    assert {"build_seconds", "build_cached", "kernel_seconds"} <= job["timings"].keys()


def test_idempotency_key(http, base_url, contract):
    headers = {"Idempotency-Key": "openapi-check-key"}
    first = http.post(base_url + "/jobs/matmul", json={"n": 3}, headers=headers)
    assert first.status_code == 202
    contract.check("POST", "/jobs/matmul", first)
    again = http.post(base_url + "/jobs/matmul", json={"n": 3}, headers=headers)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    contract.check("POST", "/jobs/matmul", again)
    assert again.json()["idempotency_key"] == "openapi-check-key"
    other = http.post(base_url + "/jobs/matmul", json={"n": 4}, headers=headers)
    assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"
    contract.check("POST", "/jobs/matmul", other)


@pytest.mark.parametrize(
    "body, headers, status, field, code",
    [
        (b"", {}, 400, None, None),
        (b"{", {}, 400, None, None),
        (b'{"n": 2}', {"Content-Type": "text/csv"}, 415, None, None),
        (b"[1]", {}, 422, None, None),
        (b'{"n": 2, "size": 3}', {}, 422, "size", None),
        (b'{"n": "2"}', {}, 422, "n", None),
        (b'{"n": 0}', {}, 422, "n", "invalid_dimension"),
        (b'{"n": %d}' % (TEST_MAX_DIMENSION + 1), {}, 422, "n", "dimension_too_large"),
        (b'{"m": 2, "n": 2}', {}, 422, "k", None),
        (b'{"n": 2, "dtype": "int8"}', {}, 422, "dtype", "unknown_dtype"),
        (b'{"n": 2, "backend": "cuda"}', {}, 422, "backend", "unknown_backend"),
        (b'{"n": 2, "kernel": "tiled"}', {}, 422, "kernel", "unknown_kernel"),
        (b'{"n": 2, "device": 0}', {}, 422, "device", "unknown_device"),
        (b'{"n": 2, "repeats": 51}', {}, 422, "repeats", "invalid_repeats"),
        (b'{"n": 2, "seed": -1}', {}, 422, "seed", None),
        (b'{"a": [[1, 2], [3]], "b": [[1], [2]]}', {}, 422, "a", "ragged_matrix"),
        (b'{"a": [[1, 2]], "b": [[1]]}', {}, 422, "b", "shape_mismatch"),
        (b'{"a": [[1]]}', {}, 422, "b", "missing_input"),
        (b'{"a": [[1e39]], "b": [[1]]}', {}, 422, "a", "invalid_value"),
        (b'{"n": 2}', {"Prefer": "wait=soon"}, 400, "Prefer", None),
        (b'{"n": 2}', {"Idempotency-Key": "k" * 256}, 400, "Idempotency-Key", None),
    ],
)
def test_bad_jobs_are_documented_problems(http, base_url, contract, body, headers, status, field, code):
    response = http.post(base_url + "/jobs/matmul", data=body, headers=headers)
    assert response.status_code == status, response.text
    contract.check("POST", "/jobs/matmul", response)
    problem = response.json()
    assert problem.get("field") == field and problem.get("code") == code
    if code == "dimension_too_large":
        assert problem["limit"] == TEST_MAX_DIMENSION
    if code in ("unknown_dtype", "unknown_backend"):
        assert problem["available"]
