"""Real responses, checked against the document: the knowledge API, pages by content
negotiation, the generic HTTP errors, static files, metrics, the job kinds, and jobs of
every kind on the server under test. Schemathesis (test_schemathesis.py) explores
inputs; these pin the cases it is unlikely to reach and read the answers field by field."""

from __future__ import annotations

import json
import uuid

import pytest

from conftest import DOCUMENT_PATH, TEST_MAX_DIMENSION, parse_sse, raw_request

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
EXPERIMENTS = ["access", "bandwidth", "coalescing", "divergence", "peak", "reduction", "solve", "summation", "vectorize"]
# Parameters small enough for each experiment to run in well under a second.
TINY = {
    "access": {"n": 16, "array_mib": 1, "max_stride": 64, "repeats": 1},
    "bandwidth": {"n": 1024, "threads": 1, "repeats": 1, "peak_gflops": 1},
    "coalescing": {"n": 1024, "max_stride": 2, "transpose_n": 16, "repeats": 1},
    "divergence": {"n": 64, "work": 1, "repeats": 1},
    "peak": {"iterations": 16, "work_items": 64, "repeats": 1},
    "reduction": {"n": 256, "repeats": 1},
    "solve": {"n": 4, "hilbert_max": 4, "repeats": 1},
    "summation": {"max_n": 1000, "repeats": 1},
    "vectorize": {"n": 1000, "repeats": 1},
}


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
        ("/terms", "/terms"),
        ("/terms?q=warp", "/terms"),
        ("/terms/warp", "/terms/{slug}"),
        ("/search?q=warp", "/search"),
        ("/search?q=slots&kind=keyword,table", "/search"),
        ("/search?q=title:warp&mode=raw", "/search"),
        ("/topics", "/topics"),
        ("/devices", "/devices"),
        ("/jobs", "/jobs"),
        ("/jobs/kinds", "/jobs/kinds"),
        ("/metrics", "/metrics"),
    ],
)
def test_knowledge_answers_match(http, base_url, contract, target, template):
    response = http.get(base_url + target)
    assert response.status_code == 200, response.text
    contract.check("GET", template, response)


def test_listing_and_search_shapes(http, base_url):
    listing = http.get(base_url + "/questions").json()
    assert listing["total"] == len(listing["results"]) == 27
    assert listing["mode"] == "list" and listing["query"] is None
    assert all("score" not in r and "snippet" not in r for r in listing["results"])
    keyword = http.get(base_url + "/search?q=slots&kind=keyword").json()["results"][0]
    assert keyword["kind"] == "keyword" and "id" not in keyword and keyword["topics"] == []
    hit = http.get(base_url + "/search?q=warp&kind=question").json()["results"][0]
    assert {"id", "score", "snippet"} <= hit.keys()


def test_listing_facets_count_before_the_topic_filter(http, base_url):
    everything = http.get(base_url + "/questions").json()
    cuda = http.get(base_url + "/questions?topic=cuda").json()
    assert 0 < cuda["total"] < everything["total"] and all("cuda" in r["topics"] for r in cuda["results"])
    assert cuda["facets"] == everything["facets"] and everything["facets"]["topic"]["cuda"] == cuda["total"]


def test_questions_link_their_experiments(http, base_url, document):
    kinds = set(document["components"]["schemas"]["JobKind"]["enum"])
    for number in range(1, 23):
        experiments = http.get(base_url + f"/questions/{number}").json()["experiments"]
        assert bool(experiments) == (7 <= number <= 16), (number, experiments)
        for experiment in experiments:
            assert experiment["kind"] in kinds and experiment["href"] == f"/jobs/{experiment['kind']}"
            assert "post" in document["paths"][experiment["href"]]
    assert {e["kind"] for n in range(7, 17) for e in http.get(base_url + f"/questions/{n}").json()["experiments"]} == kinds


# ---------------------------------------------------------------- pages (content negotiation)


@pytest.mark.parametrize(
    "target, template",
    [
        ("/questions/8", "/questions/{id}"),
        ("/keywords/slots", "/keywords/{slug}"),
        ("/tables/method-types", "/tables/{slug}"),
        ("/terms/warp", "/terms/{slug}"),
        ("/devices", "/devices"),
        ("/jobs", "/jobs"),
        ("/jobs?status=succeeded&limit=3", "/jobs"),
    ],
)
def test_pages_by_content_negotiation(http, base_url, contract, target, template):
    for accept in (BROWSER_ACCEPT, "text/html", "application/json;q=0.5, text/html"):
        page = http.get(base_url + target, headers={"Accept": accept})
        assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8", accept
        contract.check("GET", template, page)
        assert page.text.startswith("<!doctype html>") and page.headers["Vary"] == "Accept"
        assert "script-src 'self'" in page.headers["Content-Security-Policy"] and page.headers["X-Frame-Options"] == "DENY"
    for accept in (None, "*/*", "application/json", "text/html;q=0.5, application/json"):
        answer = http.get(base_url + target, headers={"Accept": accept} if accept else {})
        assert answer.headers["Content-Type"] == "application/json", accept
        contract.check("GET", template, answer)
        assert "Content-Security-Policy" not in answer.headers
        if template != "/jobs":  # GET /jobs sends Vary only with the page (documented)
            assert answer.headers["Vary"] == "Accept"


@pytest.mark.parametrize(
    "target, template, status",
    [
        ("/questions/999", "/questions/{id}", 404),
        ("/keywords/nope", "/keywords/{slug}", 404),
        ("/tables/nope", "/tables/{slug}", 404),
        ("/terms/nope", "/terms/{slug}", 404),
        ("/jobs?status=done", "/jobs", 400),
    ],
)
def test_errors_stay_problems_for_browsers(http, base_url, contract, target, template, status):
    response = http.get(base_url + target, headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == status and response.headers["Content-Type"] == "application/problem+json"
    contract.check("GET", template, response)


def test_every_response_has_the_security_headers(http, base_url):
    for target in ("/healthz", "/questions?q=warp", "/nope", "/jobs/kinds"):
        response = http.get(base_url + target)
        assert response.headers["X-Content-Type-Options"] == "nosniff", target
        assert response.headers["Referrer-Policy"] == "no-referrer", target
        assert "Access-Control-Allow-Origin" not in response.headers  # CORS is off by default


def test_metrics(http, base_url, contract):
    http.get(base_url + "/healthz")
    response = http.get(base_url + "/metrics")
    contract.check("GET", "/metrics", response)
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    for name in ("hpclab_http_requests_total", "hpclab_http_request_duration_seconds", "hpclab_http_open_connections",
                 "hpclab_jobs_queued", "hpclab_jobs_running", "hpclab_search_duration_seconds"):
        assert f"# TYPE {name} " in response.text, name
    assert 'hpclab_http_requests_total{method="GET",route="/healthz",status="200"}' in response.text


# ---------------------------------------------------------------- job kinds


def test_job_kinds_match_the_request_schemas(http, base_url, contract, document):
    """`GET /jobs/kinds` (one shape for every kind) and the `create…Job` request schemas state the
    same parameters, in the same order, with the same types, bounds, choices and defaults."""
    response = http.get(base_url + "/jobs/kinds")
    contract.check("GET", "/jobs/kinds", response)
    kinds = response.json()["kinds"]
    assert [k["kind"] for k in kinds] == sorted(document["components"]["schemas"]["JobKind"]["enum"])
    schemas = document["components"]["schemas"]
    devices = http.get(base_url + "/devices").json()
    opencl = devices["opencl"]["available"]
    cuda = devices["cuda"]["available"]

    def resolved(property):
        if "allOf" in property:
            return schemas[property["allOf"][0]["$ref"].rsplit("/", 1)[1]]
        return property

    for kind in kinds:
        schema = schemas[kind["kind"].capitalize() + "Request"]
        assert kind["href"] == f"/jobs/{kind['kind']}"
        if kind["kind"] != "matmul":
            assert kind["title"] == schema["title"]
            needs_cuda = kind["kind"] == "precision"
            assert kind["available"] == (cuda if needs_cuda else (opencl or kind["opencl"] != "required"))
        assert [p["name"] for p in kind["parameters"]] == list(schema["properties"]), kind["kind"]
        for parameter in kind["parameters"]:
            property = schema["properties"][parameter["name"]]
            target = resolved(property)
            name = f"{kind['kind']}.{parameter['name']}"
            types = {"int": "integer", "number": "number", "choice": "string", "matrix": "array"}
            assert target["type"] == types[parameter["type"]], name
            maximum = parameter["max"]
            if kind["kind"] == "matmul" and parameter["name"] in "mkn":
                assert maximum == TEST_MAX_DIMENSION, name  # the test server's --max-dimension
            elif kind["kind"] == "tune" and parameter["name"] == "n":
                assert maximum == max(64, min(8192, TEST_MAX_DIMENSION)), name  # follows --max-dimension too
            else:
                assert property.get("minimum") == parameter["min"] and property.get("maximum") == maximum, name
            assert target.get("enum") == parameter["allowed"], name
            if "default" in property:  # absent where the machine decides (device, sizes from the cache, cores)
                assert property["default"] == parameter["default"], name


# ---------------------------------------------------------------- experiment jobs


@pytest.mark.parametrize("kind", EXPERIMENTS)
def test_experiment_job(http, base_url, contract, document, kind):
    info = next(k for k in http.get(base_url + "/jobs/kinds").json()["kinds"] if k["kind"] == kind)
    response = http.post(base_url + f"/jobs/{kind}", json=TINY[kind], headers={"Prefer": "wait=60"}, timeout=90)
    contract.check("POST", f"/jobs/{kind}", response)
    if not info["available"]:
        assert response.status_code == 422 and response.json()["code"] == "backend_unavailable"
        pytest.skip(info["reason"])
    assert response.status_code == 200, response.text
    job = response.json()
    assert job["kind"] == kind and job["status"] == "succeeded", job["error"]
    assert job["spec"] == dict({p["name"]: p["default"] for p in info["parameters"]}, **TINY[kind])
    result = job["result"]
    assert result["kind"] == kind and result["parameters"] == job["spec"] and result["figures"]
    assert result["verification"]["passed"], result["verification"]
    assert job["timings"]["measurements"] and "timings" not in result
    assert "result" not in job["links"]  # experiments keep no result matrix: the result is the job's own
    gone = http.get(base_url + f"/jobs/{job['id']}/result")
    assert gone.status_code == 410
    contract.check("GET", "/jobs/{id}/result", gone)
    events = parse_sse(http.get(base_url + job["links"]["events"], timeout=30).text)
    assert json.loads(events[-1]["data"])["status"] == "succeeded"


def test_experiment_job_with_an_empty_body(http, base_url, contract):
    """No body runs the defaults (`solve` at n=1000 takes about a second or two)."""
    response = http.post(base_url + "/jobs/solve", headers={"Prefer": "wait=60"}, timeout=90)
    assert response.status_code == 200, response.text
    contract.check("POST", "/jobs/solve", response)
    assert response.json()["spec"]["n"] == 1000 and response.json()["status"] == "succeeded"


@pytest.mark.parametrize(
    "kind, body, headers, status, field, code",
    [
        ("peak", b'{"foo": 1}', {}, 422, "foo", "invalid_argument"),
        ("peak", b'{"repeats": true}', {}, 422, "repeats", "invalid_value"),
        ("peak", b'{"repeats": null}', {}, 422, "repeats", "invalid_value"),
        ("peak", b'{"repeats": "3"}', {}, 422, "repeats", "invalid_value"),
        ("peak", b'{"repeats": 1.5}', {}, 422, "repeats", "invalid_value"),
        ("peak", b'{"repeats": 0}', {}, 422, "repeats", "invalid_value"),
        ("solve", b'{"n": 3001}', {}, 422, "n", "invalid_value"),
        ("summation", b'{"seed": -1}', {}, 422, "seed", "invalid_value"),
        ("bandwidth", b'{"intensity": 0.001}', {}, 422, "intensity", "invalid_value"),
        ("divergence", b'{"group_size": 48}', {}, 422, "group_size", "invalid_value"),
        ("vectorize", b'{"operation": "sum"}', {}, 422, "operation", "invalid_value"),
        ("vectorize", b'{"operation": 1}', {}, 422, "operation", "invalid_value"),
        ("bandwidth", b'{"n": 134217728}', {}, 422, "n", "memory_budget_exceeded"),
        ("access", b'{"array_mib": 512, "repeats": 20}', {}, 422, "array_mib", "memory_budget_exceeded"),
        ("peak", b"[]", {}, 422, None, "invalid_argument"),
        ("peak", b'{"repeats": 2, "repeats": 3}', {}, 400, "repeats", None),
        ("peak", b"{", {}, 400, None, None),
        ("peak", b"{}", {"Content-Type": "text/csv"}, 415, None, None),
        ("peak", b"{}", {"Prefer": "wait=soon"}, 400, "Prefer", None),
    ],
)
def test_bad_experiments_are_documented_problems(http, base_url, contract, kind, body, headers, status, field, code):
    response = http.post(base_url + f"/jobs/{kind}", data=body, headers=headers)
    assert response.status_code == status, response.text
    contract.check("POST", f"/jobs/{kind}", response)
    problem = response.json()
    assert problem.get("field") == field and problem.get("code") == code, problem
    expected = {"repeats": 1, "n": 3001 - 1, "seed": 0, "intensity": 1}
    wrong_type = body.startswith(b'{"repeats": "') or body in (b'{"repeats": true}', b'{"repeats": null}')
    if code == "invalid_value" and field in expected and not wrong_type and b"1.5" not in body:
        assert problem["limit"] == expected[field], problem  # the bound crossed (0.015625 rounded up to 1)
    if field in ("group_size", "operation"):
        assert problem["available"], problem
    if code == "memory_budget_exceeded":
        assert problem["limit"] == (1 << 30 if field == "n" else 60), problem  # bytes, or seconds


def test_unknown_job_kind_is_404(http, base_url, contract):
    response = http.post(base_url + "/jobs/nope", json={})
    assert response.status_code == 404 and "GET /jobs/kinds" in response.json()["detail"]
    contract.validate(response.json(), "Problem")
    response = http.post(base_url + "/jobs/0123456789abcdef", json={"n": 2})  # a job id is no kind either
    assert response.status_code == 404


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
    # POST /jobs/{kind} shares the route /jobs/{id}: GET /jobs/matmul looks for a job called matmul.
    response = http.get(base_url + "/jobs/matmul")
    assert response.status_code == 404
    contract.check("GET", "/jobs/{id}", response)
    response = http.put(base_url + "/jobs/matmul")
    assert response.status_code == 405 and response.headers["Allow"] == "DELETE, GET, HEAD, OPTIONS, POST"
    response = http.post(base_url + "/jobs/kinds")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS"
    contract.check("GET", "/jobs/kinds", response)
    response = http.post(base_url + "/metrics")
    assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS"


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
    assert index.headers["X-Frame-Options"] == "DENY" and "default-src 'self'" in index.headers["Content-Security-Policy"]
    assert "Content-Security-Policy" not in document.headers


def test_static_file_methods(http, base_url, contract):
    """An existing file answers OPTIONS (204) and other methods with 405 and Allow; a missing one is 404."""
    for target in ("/", "/index.html", "/openapi.json", "/assets/site.css"):
        options = http.options(base_url + target)
        assert options.status_code == 204 and options.headers["Allow"] == "GET, HEAD, OPTIONS", target
        assert options.content == b""
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            response = http.request(method, base_url + target)
            assert response.status_code == 405 and response.headers["Allow"] == "GET, HEAD, OPTIONS", (method, target)
            contract.check("GET", "/{file}", response)  # the `default` response
    for method in ("POST", "OPTIONS", "DELETE"):
        response = http.request(method, base_url + "/nope.txt")
        assert response.status_code == 404, method
        contract.check("GET", "/{file}", response)


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
    # the matrices are kept apart from the spec, which shows their shapes
    assert job["spec"] == {"a": {"rows": 2, "columns": 2}, "b": {"rows": 2, "columns": 1}, "backend": "blas",
                           "dtype": "float64", "k": 2, "m": 2, "n": 1, "repeats": 3}

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
    assert cancel.status_code == 409 and cancel.json()["job_status"] == "succeeded"
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


def test_overflowing_product_fails(http, base_url, contract):
    body = {"a": [[3e38, 3e38]], "b": [[3e38], [3e38]]}  # each value fits float32, their products do not
    response = http.post(base_url + "/jobs/matmul", json=body, headers={"Prefer": "wait=30"})
    assert response.status_code == 200, response.text
    contract.check("POST", "/jobs/matmul", response)
    job = response.json()
    assert job["status"] == "failed" and job["result"] is None and job["timings"] is None
    assert job["error"]["code"] == "invalid_value" and job["error"]["status"] == 422 and job["error"]["field"] == "a"
    assert "result" not in job["links"]
    result = http.get(base_url + f"/jobs/{job['id']}/result")
    assert result.status_code == 409 and result.json()["job_status"] == "failed"
    contract.check("GET", "/jobs/{id}/result", result)


def test_bad_prefer_creates_no_job(http, base_url, contract):
    """`Prefer: wait=abc` is a 400 before anything runs: the same Idempotency-Key then makes a new job."""
    key = f"openapi-prefer-{uuid.uuid4()}"
    for kind, body in (("matmul", {"n": 2}), ("vectorize", TINY["vectorize"])):
        refused = http.post(base_url + f"/jobs/{kind}", json=body, headers={"Prefer": "wait=abc", "Idempotency-Key": key + kind})
        assert refused.status_code == 400 and refused.json()["field"] == "Prefer"
        contract.check("POST", f"/jobs/{kind}", refused)
        created = http.post(base_url + f"/jobs/{kind}", json=body, headers={"Idempotency-Key": key + kind})
        assert created.status_code == 202, created.text  # 200 would mean the refused request had made the job


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
        (b"[1]", {}, 422, None, "invalid_argument"),
        (b'{"n": 2, "size": 3}', {}, 422, "size", "invalid_argument"),
        (b'{"n": "2"}', {}, 422, "n", "invalid_value"),
        (b'{"n": 0}', {}, 422, "n", "invalid_dimension"),
        (b'{"n": %d}' % (TEST_MAX_DIMENSION + 1), {}, 422, "n", "dimension_too_large"),
        (b'{"m": 2, "n": 2}', {}, 422, "k", "missing_input"),
        (b'{"n": 4, "n": 5000}', {}, 400, "n", None),
        (b'{"n": 2, "dtype": "int8"}', {}, 422, "dtype", "unknown_dtype"),
        (b'{"n": 2, "backend": "tpu"}', {}, 422, "backend", "unknown_backend"),
        (b'{"n": 2, "backend": "cuda"}', {}, 422, "backend", "backend_unavailable"),  # no CUDA here or in CI
        (b'{"n": 2, "dtype": "tf32"}', {}, 422, "dtype", "invalid_value"),
        (b'{"n": 2, "kernel": "tiled"}', {}, 422, "kernel", "unknown_kernel"),
        (b'{"n": 2, "device": 0}', {}, 422, "device", "unknown_device"),
        (b'{"n": 2, "repeats": 51}', {}, 422, "repeats", "invalid_repeats"),
        (b'{"n": 2, "seed": -1}', {}, 422, "seed", "invalid_value"),
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
