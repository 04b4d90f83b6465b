"""The document itself: a valid OpenAPI 3.1 description that covers every route the
server registers (`POST /jobs/{id}` as one operation per job kind), with problem+json
errors everywhere, optional bearer auth where the server asks for a token, and limits
that match the code."""

from __future__ import annotations

import json
import re

from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

from conftest import ROOT

ROUTES_DIR = ROOT / "Sources/Server/Application/Routes"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def job_kinds_in_source() -> list[str]:
    """`matmul`, `tune` and the cases of `ExperimentKind` (its nested `OpenCLUse` left out), sorted."""
    text = (ROOT / "Sources/Compute/Experiments/ExperimentKind.swift").read_text()
    body = text.split("public enum ExperimentKind", 1)[1].split("public enum OpenCLUse", 1)[0]
    experiments = re.findall(r"^\s*case (\w+)\s*$", body, re.MULTILINE)
    assert len(experiments) >= 9, experiments
    named = [
        re.search(r'var name: String \{ "(\w+)" \}', (ROOT / path).read_text()).group(1)
        for path in ("Sources/Compute/Matmul/MatmulJob.swift", "Sources/Compute/Tuning/TuneJob.swift")
    ]
    return sorted(experiments + named)


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def test_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1.")
    validate(document, cls=OpenAPIV31SpecValidator)


def test_has_one_relative_server(document):
    assert [server["url"] for server in document["servers"]] == ["/"]


def test_every_registered_route_is_documented(document):
    """Each `router.get/getBlocking/post/delete("…")` in Routes/ has its operation, and nothing else is invented.

    `POST /jobs/{kind}` is the route for every job kind: the document has one operation per kind,
    `POST /jobs/matmul`, `POST /jobs/peak`, …, each with its own body."""
    registered = set()
    for source in ROUTES_DIR.glob("*.swift"):
        for method, path in re.findall(r'router\.(get|getBlocking|post|delete)\("([^"]+)"\)', source.read_text()):
            registered.add((method.removesuffix("Blocking"), path))
    assert len(registered) >= 18, registered
    assert ("post", "/jobs/{kind}") in registered and ("get", "/jobs/kinds") in registered
    registered.remove(("post", "/jobs/{kind}"))
    registered |= {("post", f"/jobs/{kind}") for kind in job_kinds_in_source()}
    documented = {(method, path) for path, method, _ in operations(document)}
    static = {("get", "/"), ("get", "/openapi.json"), ("get", "/{file}")}
    assert registered - documented == set(), "routes missing from public/openapi.json"
    assert documented - registered - static == set(), "operations the server does not register"


def test_job_kinds_match_the_code(document):
    kinds = job_kinds_in_source()
    assert sorted(document["components"]["schemas"]["JobKind"]["enum"]) == kinds
    posts = sorted(
        path.removeprefix("/jobs/") for path, method, _ in operations(document) if method == "post" and path.startswith("/jobs/")
    )
    assert posts == kinds
    experiments = [kind for kind in kinds if kind not in ("matmul", "tune")]
    schemas = document["components"]["schemas"]
    assert schemas["JobKindInfo"]["properties"]["kind"]["enum"] == kinds
    assert sorted(schemas["ExperimentResult"]["properties"]["kind"]["enum"]) == experiments
    for kind in experiments + ["tune"]:
        body = document["paths"][f"/jobs/{kind}"]["post"]["requestBody"]
        assert body["required"] is False, kind  # every parameter has a default: no body is fine
        assert body["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{kind.capitalize()}Request"}


def test_access_control_is_documented(document):
    """Creating and cancelling jobs may need a bearer token (`--token`); nothing else does."""
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"]}
    assert "security" not in document  # no global requirement: reads are always open
    for path, method, operation in operations(document):
        if method in ("post", "delete"):
            assert operation["security"] == [{}, {"bearerAuth": []}], f"{method} {path}"
            assert "401" in operation["responses"], f"{method} {path}"
        else:
            assert "security" not in operation and "401" not in operation["responses"], f"{method} {path}"
    unauthorized = document["components"]["responses"]["Unauthorized"]
    assert unauthorized["headers"]["WWW-Authenticate"] == {"$ref": "#/components/headers/WWWAuthenticate"}


def test_every_operation_documents_its_errors_as_problems(document):
    contract_ids = set()
    for path, method, operation in operations(document):
        name = f"{method.upper()} {path}"
        assert operation["operationId"] not in contract_ids, name
        contract_ids.add(operation["operationId"])
        responses = operation["responses"]
        assert any(code.startswith("2") for code in responses), name
        for code in ("400", "414", "431", "default"):
            assert code in responses, f"{name}: no {code}"
        if "{" in path:
            assert "404" in responses, f"{name}: no 404 for an unknown {path}"
        if method == "post":
            assert {"401", "413", "415", "422", "429"} <= responses.keys(), name
        for code, response in responses.items():
            if code.startswith(("4", "5")) or code == "default":
                if "$ref" in response:
                    response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                content = response["content"]
                assert list(content) == ["application/problem+json"], f"{name} {code}"
                assert content["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}


def test_problem_schema(document):
    problem = document["components"]["schemas"]["Problem"]
    assert problem["required"] == ["type", "title", "status", "detail"]
    assert {"field", "code", "limit", "available", "build_log", "job_status"} <= problem["properties"].keys()
    assert "JobCancellation" not in document["components"]["schemas"]  # a cancelled job's error is a Problem too


def test_generic_responses_are_described(document):
    responses = document["components"]["responses"]
    assert "Allow" in responses["MethodNotAllowed"]["headers"]
    for code in ("405", "501", "408", "505"):
        assert code in responses["Default"]["description"]


def test_limits_match_the_code(document):
    """The documented limits are the ones in the Swift sources."""
    sources = {p.name: p.read_text() for p in (ROOT / "Sources").rglob("*.swift")}
    limits = sources["ComputeLimits.swift"]
    max_dimension = int(re.search(r"maxDimension: Int = (\d+)", limits).group(1))
    max_repeats = int(re.search(r"maxRepeats: Int = (\d+)", limits).group(1))
    query = sources["QueryParameters.swift"]
    max_query = int(re.search(r"maximumQueryBytes = ([\d_]+)", query).group(1).replace("_", ""))
    max_offset = int(re.search(r"maximumOffset = ([\d_]+)", query).group(1).replace("_", ""))
    request = document["components"]["schemas"]["MatmulRequest"]["properties"]
    for name in "mkn":
        assert request[name]["maximum"] == max_dimension
    assert request["repeats"]["maximum"] == max_repeats
    assert document["components"]["parameters"]["Offset"]["schema"]["maximum"] == max_offset
    assert document["components"]["parameters"]["QueryOptional"]["schema"]["maxLength"] == max_query
    declared = re.findall(r'(?:\.int|\.choice|\.matrix|JobParameter\.choice)\(\s*"(\w+)"', sources["MatmulJob.swift"])
    assert set(declared) | {"device", "repeats"} == set(request)
    codes = set(re.findall(r'case \w+ = "(\w+)"', sources["ComputeError.swift"])) | {"cancelled"}
    assert codes == set(document["components"]["schemas"]["ComputeErrorCode"]["enum"])


def test_every_component_is_used(document):
    text = json.dumps(document)
    for kind in ("schemas", "parameters", "headers"):
        for name in document["components"][kind]:
            assert f'"#/components/{kind}/{name}"' in text, f"unused {kind}/{name}"
