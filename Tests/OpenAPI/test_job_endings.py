"""How jobs end, on a server of their own with small limits: a full queue (429), a queued
job cancelled, a running one timed out, an experiment cancelled while it runs, one
interrupted by a crash (every `error` a Problem), a result too large for JSON (406), a
result file gone (410) and a body over the limit (413). Each answer is checked against
the document."""

from __future__ import annotations

import json
import time

import pytest

from conftest import Server, parse_sse, raw_request, split_reply

LONG_JOB = {"n": 2000, "backend": "cpu-naive", "repeats": 1}  # minutes of work: only a timeout or a crash ends it
CANCELLED = {"type": "about:blank", "title": "Cancelled", "status": 409, "detail": "the job was cancelled"}


@pytest.fixture(scope="module")
def small_server():
    server = Server(["--job-timeout", "3", "--queue-capacity", "1", "--max-body-bytes", "4096", "--rate-limit", "0"]).start()
    try:
        yield server
    finally:
        server.cleanup()


def wait_for(http, url, predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        job = http.get(url).json()
        if predicate(job) or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_queue_cancel_and_timeout(http, small_server, contract):
    base = small_server.url
    running = http.post(base + "/jobs/matmul", json=LONG_JOB)
    assert running.status_code == 202
    running_url = base + running.headers["Location"]
    wait_for(http, running_url, lambda job: job["status"] == "running")

    queued = http.post(base + "/jobs/matmul", json={"n": 4})
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    queued_url = base + queued.headers["Location"]

    full = http.post(base + "/jobs/matmul", json={"n": 5})
    assert full.status_code == 429, full.text
    contract.check("POST", "/jobs/matmul", full)
    assert full.headers["Retry-After"] == "5"
    assert full.json()["code"] == "queue_full" and full.json()["limit"] == 1

    not_yet = http.get(queued_url + "/result")
    assert not_yet.status_code == 409 and not_yet.json()["job_status"] == "queued"
    contract.check("GET", "/jobs/{id}/result", not_yet)

    cancelled = http.delete(queued_url)
    assert cancelled.status_code == 200
    contract.check("DELETE", "/jobs/{id}", cancelled)
    job = cancelled.json()
    assert job["status"] == "cancelled" and job["started_at"] is None and job["result"] is None
    assert job["error"] == CANCELLED
    again = http.delete(queued_url)
    assert again.status_code == 409 and again.json()["job_status"] == "cancelled"
    contract.check("DELETE", "/jobs/{id}", again)

    stream = http.get(running_url + "/events", timeout=30)  # ends when the job does
    contract.check("GET", "/jobs/{id}/events", stream)
    events = parse_sse(stream.text)
    assert stream.text.startswith("retry: 2000\n\n")
    for event in events:
        contract.validate(json.loads(event["data"]), "Job" if event["event"] == "status" else "ProgressEvent")
    final = json.loads(events[-1]["data"])
    assert final["status"] == "failed" and final["error"]["code"] == "timed_out"

    failed = http.get(running_url)
    contract.check("GET", "/jobs/{id}", failed)
    job = failed.json()
    assert job["status"] == "failed" and job["result"] is None and job["timings"] is None
    contract.validate(job["error"], "Problem")
    assert job["error"]["status"] == 409 and "links" in job and "result" not in job["links"]


def test_running_job_cancelled(http, small_server, contract):
    base = small_server.url
    url = base + http.post(base + "/jobs/matmul", json=dict(LONG_JOB, seed=2)).headers["Location"]
    wait_for(http, url, lambda job: job["status"] != "queued")
    response = http.delete(url)
    assert response.status_code in (200, 202)
    contract.check("DELETE", "/jobs/{id}", response)
    job = wait_for(http, url, lambda job: job["status"] in ("cancelled", "failed"), timeout=90)
    assert job["status"] in ("cancelled", "failed"), job
    contract.validate(job["error"], "Problem")
    if job["status"] == "cancelled":
        assert job["error"] == CANCELLED


def test_running_experiment_cancelled(http, small_server, contract):
    """An experiment stops between pieces of work like a matmul does."""
    base = small_server.url
    created = http.post(base + "/jobs/summation", json={"max_n": 100_000_000, "repeats": 5})  # many seconds
    assert created.status_code == 202, created.text
    contract.check("POST", "/jobs/summation", created)
    url = base + created.headers["Location"]
    wait_for(http, url, lambda job: job["status"] != "queued")
    response = http.delete(url)
    assert response.status_code in (200, 202), response.text
    contract.check("DELETE", "/jobs/{id}", response)
    # The bound guards against a hang; "promptly" is about a second on an idle machine, and a
    # debug build beside a parallel test run can stretch one piece of work a lot.
    job = wait_for(http, url, lambda job: job["status"] not in ("queued", "running"), timeout=90)
    contract.check("GET", "/jobs/{id}", http.get(url))
    assert job["status"] == "cancelled" and job["error"] == CANCELLED and job["result"] is None, job


def test_result_too_large_for_json_then_gone(http, small_server, contract):
    base = small_server.url
    created = http.post(base + "/jobs/matmul", json={"m": 2049, "k": 1, "n": 2049, "repeats": 1},
                        headers={"Prefer": "wait=60"}, timeout=90)
    assert created.status_code == 200, created.text
    job = created.json()
    result_url = base + job["links"]["result"]
    too_large = http.get(result_url)
    assert too_large.status_code == 406
    contract.check("GET", "/jobs/{id}/result", too_large)
    npy = http.get(result_url, headers={"Accept": "application/x-npy"})
    assert npy.status_code == 200 and npy.content.startswith(b"\x93NUMPY")
    assert npy.headers["Content-Disposition"] == f'attachment; filename="{job["id"]}.npy"'
    (small_server.data_dir / "data" / "results" / f"{job['id']}.npy").unlink()
    gone = http.get(result_url)
    assert gone.status_code == 410
    contract.check("GET", "/jobs/{id}/result", gone)


def test_body_over_the_limit(small_server, contract):
    """A Content-Length over `--max-body-bytes` is answered before the body is read."""
    head = b"POST /jobs/matmul HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
    status, headers, body = split_reply(raw_request(small_server.url, head))
    assert status == 413 and headers["Content-Type"] == "application/problem+json"
    assert headers["Connection"] == "close"
    contract.validate(json.loads(body), "Problem")


def test_job_interrupted_by_a_crash(http, small_server, contract):
    """Last: kills the server and starts it again on the same data directory."""
    base = small_server.url
    url_path = http.post(base + "/jobs/matmul", json=dict(LONG_JOB, seed=3)).headers["Location"]
    wait_for(http, base + url_path, lambda job: job["status"] == "running")
    small_server.kill_hard()
    small_server.start()
    response = http.get(small_server.url + url_path)
    contract.check("GET", "/jobs/{id}", response)
    job = response.json()
    assert job["status"] == "failed" and job["error"] == {
        "type": "about:blank", "title": "Service Unavailable", "status": 503, "detail": "interrupted by restart"}
    events = http.get(small_server.url + url_path + "/events", timeout=30)
    contract.check("GET", "/jobs/{id}/events", events)
    assert [e["event"] for e in parse_sse(events.text)] == ["status"]
