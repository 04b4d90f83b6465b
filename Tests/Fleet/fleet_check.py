#!/usr/bin/env python3
"""The fleet, end to end, with real processes: PostgreSQL (started by scripts/fleet-check.sh),
hpclab serve replicas and hpclab worker processes on loopback. Standard library only.

Each check asserts behaviour; the timings it prints (claim latency, submit-to-start, throughput
with 1, 2 and 3 workers) are reported, never asserted. Every wait is bounded.
"""
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

BIN = os.environ.get("HPCLAB_BIN", ".build/debug/hpclab")
DATABASE = os.environ["HPCLAB_TEST_DATABASE"]
PSQL_PORT = DATABASE.rsplit(":", 1)[1].split("/")[0]
LEASE = "2"  # seconds: a dead worker's job comes back within about two leases
SCRATCH = tempfile.mkdtemp(prefix="hpclab-fleet-")
# Small jobs of several kinds, each well under a second in a debug build.
MIXED = [
    ("matmul", {"n": 32}),
    ("matmul", {"n": 24, "backend": "cpu-naive"}),
    ("matmul", {"n": 40, "dtype": "float64"}),
    ("vectorize", {"n": 20000, "repeats": 1}),
    ("solve", {"n": 40, "hilbert_max": 6, "repeats": 1}),
]
# A job that runs for seconds (a naive float64 product in a debug build), to kill or cancel.
LONG = ("matmul", {"n": 640, "backend": "cpu-naive", "dtype": "float64", "repeats": 2})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Process:
    """One hpclab process with its log in the scratch folder."""

    def __init__(self, name, args):
        self.name = name
        self.args = args
        self.log_path = os.path.join(SCRATCH, name + ".log")
        self.proc = None

    def start(self):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BIN] + self.args, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        return self

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()


class Server(Process):
    def __init__(self, name, port=None):
        self.port = port or free_port()
        super().__init__(name, ["serve", "--port", str(self.port), "--database", DATABASE, "--data-dir",
                                os.path.join(SCRATCH, name), "--access-log", "off", "--rate-limit", "0"])

    def start(self):
        super().start()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited: {self.log()[-2000:]}")
            time.sleep(0.2)
        raise AssertionError(f"{self.name} did not start: {self.log()[-2000:]}")

    def request(self, method, path, body=None, headers=None, timeout=30):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def json(self, method, path, body=None, expect=None, **kw):
        status, data, _ = self.request(method, path, body, **kw)
        if expect is not None:
            assert status in (expect if isinstance(expect, tuple) else (expect,)), f"{method} {path}: {status} {data[:500]}"
        return json.loads(data) if data else None

    def submit(self, kind, body):
        return self.json("POST", f"/jobs/{kind}", body, expect=(202, 200))

    def wait(self, job_id, seconds=120):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            job = self.json("GET", f"/jobs/{job_id}?wait=5", expect=200, timeout=20)
            if job["status"] in ("succeeded", "failed", "cancelled"):
                return job
        raise AssertionError(f"job {job_id} did not finish within {seconds} s: {job}")

    def wait_status(self, job_id, status, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            job = self.json("GET", f"/jobs/{job_id}", expect=200)
            if job["status"] == status:
                return job
            time.sleep(0.05)
        raise AssertionError(f"job {job_id} never became {status}: {job}")


class Worker(Process):
    def __init__(self, name, host=None, labels=None, extra=()):
        args = ["worker", "--database", DATABASE, "--data-dir", os.path.join(SCRATCH, name), "--name", name,
                "--host-id", host or f"node-{name}", "--lease-seconds", LEASE, "--shutdown-grace", "2"]
        if labels:
            args += ["--labels", labels]
        super().__init__(name, args + list(extra))


def psql(sql):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", PSQL_PORT, "-U", "hpclab", "-d", "hpclab", "-At", "-c", sql],
                         check=True, capture_output=True, text=True, timeout=30)
    return [line.split("|") for line in out.stdout.strip().splitlines() if line]


def wait_for_workers(server, names, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = server.json("GET", "/workers", expect=200)["workers"]
        live = {w["name"] for w in workers if w["state"] in ("idle", "busy")}
        if set(names) <= live:
            return workers
        time.sleep(0.2)
    raise AssertionError(f"workers {names} did not register: {workers}")


def wait_until_lost(server, name, seconds=60):
    """Waits until no worker of this name is live (its heartbeat older than two leases)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        workers = server.json("GET", "/workers", expect=200)["workers"]
        if not any(w["name"] == name and w["state"] in ("idle", "busy") for w in workers):
            return
        time.sleep(0.2)
    raise AssertionError(f"worker {name} still looks live: {workers}")


def claim_lines(workers):
    """job id -> the workers whose logs say they claimed it."""
    claims = {}
    for worker in workers:
        for line in worker.log().splitlines():
            if " claimed: " in line and "job " in line:
                job_id = line.split("job ", 1)[1].split(" ", 1)[0]
                claims.setdefault(job_id, []).append(worker.name)
    return claims


def run_batch(server, count):
    """Submits `count` mixed small jobs at once and waits for all; returns (jobs, seconds)."""
    started = time.monotonic()
    ids = [server.submit(*MIXED[i % len(MIXED)])["id"] for i in range(count)]
    jobs = [server.wait(job_id, seconds=300) for job_id in ids]
    return jobs, time.monotonic() - started


RESULTS = []


def check(name):
    def decorate(function):
        def run(*args):
            began = time.monotonic()
            try:
                function(*args)
                RESULTS.append((name, None))
                print(f"ok   {name} ({time.monotonic() - began:.1f} s)", flush=True)
            except Exception as error:  # noqa: BLE001 - report every failure and go on
                RESULTS.append((name, error))
                where = traceback.extract_tb(error.__traceback__)[-1]
                print(f"FAIL {name} (line {where.lineno}: {where.line}): {error!r}"[:3000], flush=True)
        return run
    return decorate


def main():
    s1 = Server("server-1").start()
    s2 = Server("server-2").start()
    a, b, c = Worker("a"), Worker("b"), Worker("c")
    processes = [s1, s2, a, b, c]
    figures = {}
    try:
        a.start()
        wait_for_workers(s1, ["a"])

        @check("an idle worker claims a new job at once (claim latency, submit-to-start)")
        def latency():
            lags, client = [], []
            for _ in range(10):
                sent = time.monotonic()
                job = s1.submit("matmul", {"n": 16})
                assert s1.wait(job["id"], seconds=30)["status"] == "succeeded"  # a long poll, woken by the event
                client.append(time.monotonic() - sent)
                lag = psql(f"SELECT extract(epoch FROM started_at - created_at) FROM hpclab_jobs WHERE id = '{job['id']}'")
                lags.append(float(lag[0][0]))
            figures["claim latency (created_at to started_at, database clock), median ms"] = 1000 * statistics.median(lags)
            figures["submit to finished for a 16×16 matmul (client: POST, then a long poll), median ms"] = 1000 * statistics.median(client)
            assert statistics.median(lags) < 5, lags  # a bound against a hang, not a speed claim
        latency()

        @check("small jobs with 1, 2 and 3 workers (throughput), beside one process without a database")
        def throughput():
            # The baseline: the same 20 jobs on a server that runs them itself (SQLite, no fleet).
            local = Server("server-local")
            local.args = [arg for arg in local.args if not arg.startswith("postgres://") and arg != "--database"]
            processes.append(local.start())
            jobs, seconds = run_batch(local, 20)
            assert all(j["status"] == "succeeded" for j in jobs)
            figures["throughput, 20 small jobs, one process without --database (baseline), jobs/s"] = 20 / seconds
            local.stop()
            for count, worker in ((1, None), (2, b), (3, c)):
                if worker:
                    worker.start()
                    wait_for_workers(s1, [w.name for w in (a, b, c)[:count]])
                jobs, seconds = run_batch(s1, 20)
                assert all(j["status"] == "succeeded" for j in jobs), [j for j in jobs if j["status"] != "succeeded"][:1]
                figures[f"throughput, 20 small jobs, {count} worker(s), jobs/s"] = 20 / seconds
        throughput()

        @check("50 jobs of mixed kinds complete exactly once across three workers")
        def exactly_once():
            jobs, _ = run_batch(s1, 50)
            bad = [j for j in jobs if j["status"] != "succeeded"]
            assert not bad, bad[:2]
            ids = [j["id"] for j in jobs]
            rows = psql("SELECT id, attempts, (SELECT count(*) FROM hpclab_job_runs r WHERE r.job_id = j.id), "
                        "(SELECT string_agg(outcome, ',') FROM hpclab_job_runs r WHERE r.job_id = j.id) "
                        f"FROM hpclab_jobs j WHERE id IN ({','.join(repr(i) for i in ids)})")
            assert len(rows) == 50, len(rows)
            for job_id, attempts, runs, outcomes in rows:
                assert attempts == "1" and runs == "1" and outcomes == "succeeded", (job_id, attempts, runs, outcomes)
            claims = claim_lines([a, b, c])
            for job_id in ids:
                assert len(claims.get(job_id, [])) == 1, (job_id, claims.get(job_id))
            used = {j["fleet"]["worker"] for j in jobs}
            assert used == {"a", "b", "c"}, used
        exactly_once()

        @check("kill -9 of a worker mid-job: the job completes on another after its lease expires")
        def kill_worker():
            job = s1.submit(*LONG)
            running = s1.wait_status(job["id"], "running", seconds=30)
            victim = {"a": a, "b": b, "c": c}[running["fleet"]["worker"]]
            time.sleep(0.3)
            victim.kill9()
            killed = time.monotonic()
            done = s1.wait(job["id"], seconds=120)
            figures["kill -9 to the job done elsewhere, s (lease 2 s, plus the rerun)"] = time.monotonic() - killed
            assert done["status"] == "succeeded", done
            assert done["fleet"]["attempts"] == 2 and done["fleet"]["worker"] != victim.name, done["fleet"]
            outcomes = psql(f"SELECT attempt, worker_name, outcome FROM hpclab_job_runs WHERE job_id = '{job['id']}' ORDER BY attempt")
            assert [o[2] for o in outcomes] == ["lease_expired", "succeeded"], outcomes
            assert outcomes[0][1] == victim.name, outcomes
            state = {w["name"]: w["state"] for w in s1.json("GET", "/workers", expect=200)["workers"] if w["name"] == victim.name}
            victim.start()
            wait_for_workers(s1, ["a", "b", "c"])
            assert state, state
        kill_worker()

        @check("a job fails after max_attempts claims when every worker dies on it")
        def attempts_exhausted():
            job = s1.submit("matmul", {"n": 640, "backend": "cpu-naive", "dtype": "float64", "repeats": 2,
                                       "worker": "doomed"})
            doomed = Worker("doomed")
            processes.append(doomed)
            for attempt in range(1, 4):
                doomed.start()
                deadline = time.monotonic() + 60
                while True:
                    now = s1.json("GET", f"/jobs/{job['id']}", expect=200)
                    if now["status"] == "running" and now["fleet"]["attempts"] == attempt:
                        break
                    assert time.monotonic() < deadline, now
                    time.sleep(0.05)
                time.sleep(0.2)
                doomed.kill9()
            done = s1.wait(job["id"], seconds=60)
            assert done["status"] == "failed" and done["fleet"]["attempts"] == 3, done
            assert "3 attempts" in done["error"]["detail"], done["error"]
        attempts_exhausted()

        @check("kill -9 of the server: nothing lost, the jobs finish, a new server sees them")
        def kill_server():
            nonlocal s1
            ids = [s1.submit(*MIXED[i % len(MIXED)])["id"] for i in range(10)] + [s1.submit(*LONG)["id"]]
            s1.kill9()
            s1 = Server("server-1", port=s1.port).start()
            processes[0] = s1
            jobs = [s1.wait(i, seconds=180) for i in ids]
            assert all(j["status"] == "succeeded" for j in jobs), [j for j in jobs if j["status"] != "succeeded"][:1]
        kill_server()

        @check("a cancel sent to one server reaches the worker running the job")
        def cancel():
            job = s1.submit(*LONG)
            s1.wait_status(job["id"], "running", seconds=30)
            sent = time.monotonic()
            status, body, _ = s2.request("DELETE", f"/jobs/{job['id']}")
            assert status in (200, 202), (status, body)
            done = s2.wait(job["id"], seconds=30)
            figures["cancel on another server to the job cancelled, ms"] = 1000 * (time.monotonic() - sent)
            assert done["status"] == "cancelled", done
            assert time.monotonic() - sent < 10, "the cancel took too long"
            worker = {"a": a, "b": b, "c": c}[done["fleet"]["worker"]]
            assert f"job {job['id']}: cancel asked" in worker.log()
        cancel()

        @check("a fan-out runs one experiment on each of three workers; the compare page shows them")
        def fan_out():
            wait_until_lost(s1, "doomed")
            group = s1.json("POST", "/jobs/matmul", {"n": 64, "fleet": "all"}, expect=202)
            assert sorted(j["fleet"]["route"] for j in group["jobs"]) == ["worker=a", "worker=b", "worker=c"], group
            jobs = [s1.wait(j["id"]) for j in group["jobs"]]
            assert sorted(j["fleet"]["worker"] for j in jobs) == ["a", "b", "c"], jobs
            assert all(j["status"] == "succeeded" for j in jobs), jobs
            status, page, headers = s2.get(f"/fleet/{group['group']}", headers={"Accept": "text/html"})
            assert status == 200 and "text/html" in headers.get("Content-Type", ""), status
            for name in ("a", "b", "c"):
                assert f">{name}</a>".encode() in page, name
            listing = s2.json("GET", f"/fleet/{group['group']}", expect=200)
            assert listing["finished"] == len(jobs)
            # Each run's record names the hardware of the worker that ran it; any server compares two.
            record = s2.json("GET", f"/jobs/{jobs[0]['id']}/record", expect=200)
            assert record["kind"] == "matmul" and record["hardware"], record
            comparison = s1.json("GET", f"/compare?a={jobs[0]['id']}&b={jobs[1]['id']}", expect=200)
            assert comparison["measurements"], comparison
            listed = {r["id"] for r in s2.json("GET", "/records?kind=matmul&limit=100", expect=200)["records"]}
            assert {j["id"] for j in jobs} <= listed, "the servers keep the fleet's records"
            named = s1.json("POST", "/jobs/matmul", {"n": 64, "fleet": ["b", "c"]}, expect=202)
            assert sorted(j["fleet"]["route"] for j in named["jobs"]) == ["worker=b", "worker=c"], named
            assert sorted(s1.wait(j["id"])["fleet"]["worker"] for j in named["jobs"]) == ["b", "c"]
            s1.json("POST", "/jobs/matmul", {"n": 64, "fleet": ["no-such-worker"]}, expect=422)
            s1.json("POST", "/jobs/matmul", {"n": 64, "fleet": 7}, expect=422)
        fan_out()

        @check("a second server replica serves the same jobs, events and results")
        def replica():
            job = s1.submit("matmul", {"n": 96})
            status, body, headers = s2.request("GET", f"/jobs/{job['id']}/events", timeout=60)
            assert status == 200 and b"event: status" in body and b'"succeeded"' in body, body[-400:]
            done = s2.json("GET", f"/jobs/{job['id']}", expect=200)
            assert done["status"] == "succeeded"
            status, npy, _ = s2.request("GET", f"/jobs/{job['id']}/result", headers={"Accept": "application/x-npy"})
            assert status == 200 and npy[:6] == b"\x93NUMPY", (status, npy[:20])
            assert {j["id"] for j in s2.json("GET", "/jobs?limit=20", expect=200)["jobs"]} >= {job["id"]}
        replica()

        @check("two workers of one machine never run two jobs on one device at once")
        def shared_device():
            d = Worker("d", host="shared-node", labels="shared").start()
            e = Worker("e", host="shared-node", labels="shared").start()
            processes.extend([d, e])
            wait_for_workers(s1, ["d", "e"])
            ids = [s1.submit("matmul", {"n": 200, "backend": "cpu-naive", "labels": ["shared"]})["id"] for _ in range(6)]
            jobs = [s1.wait(i, seconds=180) for i in ids]
            assert all(j["status"] == "succeeded" and j["fleet"]["host"] == "shared-node" for j in jobs), jobs
            rows = psql("SELECT extract(epoch FROM r.started_at), extract(epoch FROM r.ended_at) FROM hpclab_job_runs r "
                        f"WHERE r.job_id IN ({','.join(repr(i) for i in ids)}) ORDER BY r.started_at")
            assert len(rows) == 6, rows
            for (_, end), (start, _) in zip(rows, rows[1:]):
                assert float(end) <= float(start), ("overlapping runs on one device", rows)
            d.stop()
            e.stop()
        shared_device()

        @check("a worker with --exit-when-idle exits by itself")
        def exit_when_idle():
            idle = Worker("idle", extra=["--exit-when-idle", "2"]).start()
            processes.append(idle)
            idle.proc.wait(timeout=60)
            assert idle.proc.returncode == 0, idle.log()[-1000:]
            states = {w["name"]: w["state"] for w in s1.json("GET", "/workers", expect=200)["workers"]}
            assert states.get("idle") == "stopped", states
        exit_when_idle()

        @check("the database down: requests are a 503 within seconds, and all is back after it restarts")
        def database_down():
            before = s1.submit("matmul", {"n": 32})["id"]
            s1.wait(before)
            postgres = ["scripts/postgres-temp.sh", None, os.environ["HPCLAB_TEST_POSTGRES_DIR"]]
            subprocess.run([postgres[0], "stop", postgres[2]], check=True, timeout=60)
            try:
                sent = time.monotonic()
                status, body, headers = s1.request("GET", "/jobs", timeout=60)
                assert status == 503 and "Retry-After" in headers, (status, body[:300])
                assert time.monotonic() - sent < 20, "a request waited on a database that is down"
                status, _, _ = s2.request("POST", "/jobs/matmul", {"n": 8}, timeout=60)
                assert status == 503, status
            finally:
                subprocess.run([postgres[0], "resume", postgres[2]], check=True, timeout=90)
            deadline = time.monotonic() + 60
            while s1.get(f"/jobs/{before}")[0] != 200:
                assert time.monotonic() < deadline, "the server did not come back with the database"
                time.sleep(0.5)
            after = s1.submit("matmul", {"n": 32})["id"]
            assert s2.wait(after, seconds=60)["status"] == "succeeded", "the workers did not come back"
        database_down()
    finally:
        for process in processes:
            process.stop()

    print("\nfleet figures (this machine, this build; reported, not asserted):")
    baseline = figures.get("throughput, 20 small jobs, one process without --database (baseline), jobs/s")
    for name, value in figures.items():
        ratio = f" ({value / baseline:.2f}× the one-process baseline)" if baseline and "worker(s)" in name else ""
        print(f"  {name}: {value:.3g}{ratio}")
    failed = [name for name, error in RESULTS if error]
    print(f"\nfleet: {len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    if failed:
        print(f"logs in {SCRATCH}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
