"""Schemathesis against the live server: every operation, positive and negative inputs,
in all four phases (examples, coverage, fuzzing, stateful through the document's links),
with the checks not_a_server_error, status_code_conformance, content_type_conformance,
response_headers_conformance and response_schema_conformance (SSE events included).
Any failure or error makes `st` exit non-zero, and this test with it.

Job sizes. The document states the server's real limits (m, k, n up to 8192 by default),
and an 8192² job on the cpu-naive backend would run for hours. So the server under test
runs with `--max-dimension 16` (any larger size is a 422 there, which the document
allows), and the copy of the document given to schemathesis (never public/openapi.json
itself) caps m, k, n and the rows and columns of `a` and `b` at 16, so that the positive
cases it generates are mostly jobs the server accepts and runs in microseconds. The
experiments have no such server flag, so the copy caps their size parameters (`n`,
`max_n`, `array_mib`, `transpose_n`, `work_items`, `iterations`, `work`, `per_item`,
`threads`, `repeats`, …; see EXPERIMENT_CAPS) and keeps `bandwidth`'s `peak_gflops`
above 0 (0 measures the host's peak with a 1024³ dgemm): every generated experiment
then runs in milliseconds. The server runs with `--rate-limit 0`, so thousands of jobs
are not throttled, and without `--token` (test_access_control.py covers both).

Not run: negative_data_rejection and positive_data_acceptance. They need every input rule
in the schema, and the server checks things JSON Schema cannot say (matrix shapes, FTS5
syntax with mode=raw, an Idempotency-Key reused with another body) and ignores `mode` on
listings. The coverage phase leaves out the QUERY method (see schemathesis.toml).
"""

from __future__ import annotations

import copy
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from conftest import SUMMARY_LINES, TEST_MAX_DIMENSION

HERE = Path(__file__).resolve().parent
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]
MAX_EXAMPLES = int(os.environ.get("HPCLAB_OPENAPI_MAX_EXAMPLES", "300"))


def operation_count(document) -> int:
    methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
    return sum(1 for item in document["paths"].values() for method in item if method in methods)


def schemathesis_version() -> str:
    try:
        return importlib.metadata.version("schemathesis")
    except importlib.metadata.PackageNotFoundError:
        return "(version unknown)"


# The largest value schemathesis may send for an experiment's cost parameters (the document
# keeps the real limits). Every parameter not listed keeps its documented range.
EXPERIMENT_CAPS = {
    "AccessRequest": {"n": 64, "array_mib": 1, "max_stride": 4096, "repeats": 2},
    "BandwidthRequest": {"n": 4096, "threads": 2, "repeats": 2},
    "CoalescingRequest": {"n": 4096, "max_stride": 16, "transpose_n": 64, "repeats": 2},
    "DivergenceRequest": {"n": 4096, "work": 64, "repeats": 2},
    "PeakRequest": {"iterations": 64, "work_items": 1024, "repeats": 2},
    "ReductionRequest": {"n": 4096, "per_item": 64, "repeats": 2},
    "SolveRequest": {"n": 32, "repeats": 2},
    "SummationRequest": {"max_n": 10000, "repeats": 2},
    "VectorizeRequest": {"n": 10000, "repeats": 2},
    "TuneRequest": {"n": 64, "budget_seconds": 1},
    "PrecisionRequest": {"n": 64, "repeats": 2},
    "RooflineRequest": {"memory_mib": 4, "gemm_n": 128, "threads": 2, "repeats": 2},
}


def capped_document(document) -> dict:
    """The document with the job sizes capped at what keeps every generated job tiny."""
    capped = copy.deepcopy(document)
    schemas = capped["components"]["schemas"]
    request = schemas["MatmulRequest"]["properties"]
    for name in ("m", "k", "n"):
        request[name]["maximum"] = TEST_MAX_DIMENSION
    for name in ("a", "b"):
        request[name]["maxItems"] = TEST_MAX_DIMENSION
        request[name]["items"]["maxItems"] = TEST_MAX_DIMENSION
    experiments = [name for name in schemas if name.endswith("Request") and name != "MatmulRequest"]
    assert sorted(experiments) == sorted(EXPERIMENT_CAPS), "an experiment without caps would run at full size"
    for name, caps in EXPERIMENT_CAPS.items():
        # A copy for the request bodies only: a job's `spec` is still read against the real schema.
        schema = schemas[name + "Capped"] = copy.deepcopy(schemas[name])
        for parameter, maximum in caps.items():
            bounds = schema["properties"][parameter]
            assert bounds["minimum"] <= maximum < bounds["maximum"], (name, parameter)
            bounds["maximum"] = maximum
            bounds.pop("default", None)
        # A parameter left out runs at its (full-size) default: the capped ones must be sent.
        schema["required"] = sorted(caps)
        if name == "RooflineRequest":
            # The device roofline runs `peak` at full size inside the job: the host one only.
            schema["properties"]["target"]["enum"] = ["host"]
            schema["required"].append("target")
        if name == "BandwidthRequest":
            peak = schema["properties"]["peak_gflops"]
            peak["minimum"] = 1  # 0 means "measure the host's peak" with a 1024³ dgemm
            peak.pop("default")
            schema["required"].append("peak_gflops")
    for path, item in capped["paths"].items():
        body = item.get("post", {}).get("requestBody")
        if body and path != "/jobs/matmul":  # an empty body, or the `{}` example, would run the defaults
            body["required"] = True
            media = body["content"]["application/json"]
            media.pop("examples", None)
            media["schema"]["$ref"] += "Capped"
    return capped


def test_schemathesis(document, base_url, tmp_path):
    spec = tmp_path / "openapi.test.json"
    spec.write_text(json.dumps(capped_document(document)))
    st = Path(sys.executable).with_name("st")
    command = [
        str(st) if st.exists() else "st",
        "--config-file", str(HERE / "schemathesis.toml"),
        "run", str(spec),
        "--url", base_url,
        "--checks", ",".join(CHECKS),
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", str(MAX_EXAMPLES),
        "--generation-deterministic",  # the same inputs every run (no random seed), and no example database
        "--workers", "1",  # two workers tripped a thread race inside hypothesis (a runtime error, not a finding)
        "--request-timeout", "60",
        "--no-color",
    ]
    started = time.monotonic()
    run = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=900)
    elapsed = time.monotonic() - started
    output = run.stdout + run.stderr
    print(output[-6000:])
    cases = re.search(r"(\d+) generated", output)
    phases = re.findall(r"^ (?:✅|❌|🚫|⏭)\s+(\w+) \(in ([0-9.]+s)\)", output, re.MULTILINE)
    scenarios = re.search(r"Scenarios:\s+(\d+)", output)
    links = re.search(r"API Links:\s+(.+)", output)
    warnings = re.findall(r"^  ⚠️ (.+)$", output, re.MULTILINE)
    SUMMARY_LINES.append(
        f"schemathesis {schemathesis_version()}: exit {run.returncode} in {elapsed:.1f} s; "
        f"{cases.group(1) if cases else '?'} test cases over {operation_count(document)} operations, "
        f"at most {MAX_EXAMPLES} examples each; phases " + ", ".join(f"{name} {took}" for name, took in phases)
        + (f"; stateful: {scenarios.group(1)} scenarios, links {links.group(1).strip()}" if scenarios and links else "")
        + (f"; warnings: {'; '.join(warnings)}" if warnings else ""))
    assert run.returncode == 0, f"schemathesis failed (exit {run.returncode}):\n{output[-20000:]}"
    operations = operation_count(document)
    assert f"{operations} selected / {operations} total" in output, "not every operation was selected"
    assert f"Tested: {operations}" in output, "not every operation was tested"
    # Warnings (e.g. "DELETE /jobs/{id} repeatedly returned 404" from the fuzzing phase's random
    # ids; the stateful phase cancels real jobs through the links) are shown, not failures.
