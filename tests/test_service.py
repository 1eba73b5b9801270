"""The HTTP service, over HTTP against a real uvicorn server on a loopback port: answers equal to
the library's, every error path as problem+json, limits, tokens, reload, and the OpenAPI
document kept in step with the checked-in copy."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
httpx = pytest.importorskip("httpx")

from service_server import ServerThread  # noqa: E402

from cme_policy import evaluate, evaluate_many, load_case  # noqa: E402
from cme_policy.service.config import ServiceConfig  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*/*.yaml"))
TOKEN = "test-token-0123456789abcdef"
AUTH = {"authorization": f"Bearer {TOKEN}"}
ON = "2025-03-03"
SENTINEL = "Zebedee-Sentinel-9Q"  # a value that must never come back or be logged
CLI = [sys.executable, "-c", "import sys; from cme_policy.cli import main; sys.exit(main())"]


def case_json(path: Path) -> dict:
    return load_case(path).model_dump(mode="json", exclude_none=True)


@pytest.fixture(scope="module")
def server():
    with ServerThread(
        ServiceConfig(
            tokens=(TOKEN, "second-token-abcdefghij"),
            max_batch_cases=50,
            max_body_bytes=256 * 1024,
            max_stream_bytes=64 * 1024,
        )
    ) as s:
        yield s


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=30) as c:
        yield c


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"]
    return body


def paths(body: dict) -> list[str]:
    return [e["path"] for e in body["errors"]]


# -- answers equal to the library's ---------------------------------------------------------------


def latest_date(case: dict) -> str:
    """The last date a case mentions (an example is read on the day its story reaches)."""
    found = []

    def walk(node, key=""):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif isinstance(node, str) and len(node) == 10 and node[4] == "-" and key != "date_of_birth":
            found.append(node)

    walk(case)
    return max(found, default=ON)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_evaluate_equals_the_library(client, path):
    policy = path.parent.name
    case = case_json(path)
    on = latest_date(case)
    expected = evaluate(policy, load_case(path), on=on).to_dict()
    as_json = client.post("/v1/evaluate", json={"policy": policy, "on": on, "case": case})
    assert as_json.status_code == 200, as_json.text
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.json() == expected
    as_text = client.post("/v1/evaluate", json={"policy": policy, "on": on, "case_text": path.read_text()})
    assert as_text.json() == expected


def test_own_text_alone(client):
    path = ROOT / "examples/kent/absent_over_half_term.yaml"
    got = client.post(
        "/v1/evaluate", json={"policy": "kent", "on": ON, "case": case_json(path), "statutory_floor": False}
    )
    assert got.json() == evaluate("kent", load_case(path), on=ON, statutory_floor=False).to_dict()


def test_batch_equals_evaluate_many(client):
    cases = [dict(case_json(p), case_ref=f"ref-{i}") for i, p in enumerate(EXAMPLES[:6])]
    cases = [c for c in cases if latest_date(c) <= ON]
    cases.insert(2, {"case_ref": "broken", "child": {"date_of_birth": SENTINEL}})
    cases.append(dict(cases[0], policy="manchester", case_ref="as-manchester"))
    got = client.post("/v1/evaluate/batch", json={"on": ON, "policy": "kent", "cases": cases})
    assert got.status_code == 200, got.text
    body = got.json()
    expected = list(evaluate_many(cases, on=ON, policy="kent"))
    assert body["count"] == len(cases) == len(body["items"]) and body["errors"] == 1
    for position, (item, want) in enumerate(zip(body["items"], expected, strict=True), 1):
        assert item["position"] == position
        if "result" in item:
            assert item["result"] == want.to_dict()
            assert item["case_ref"] == want.case_ref
        else:
            assert item["case_ref"] == "broken"
            assert [e["path"] for e in item["errors"]] == [p.path for p in want.problems]
    assert SENTINEL not in got.text
    assert body["items"][-1]["result"]["policy"] == "manchester"


def test_worklist_stream_matches_the_cli_lines(client):
    from cme_policy.batch import Batch
    from cme_policy.worklist import as_dict, build

    cases = [dict(case_json(p), case_ref=f"w{i}") for i, p in enumerate(EXAMPLES)]
    cases = [c for c in cases if latest_date(c) <= ON][:5]
    lines = [json.dumps(c) for c in cases]
    lines.insert(1, '{"child": {"date_of_birth": "' + SENTINEL + '"}}')
    lines.insert(3, "{not json")
    body = "\n".join(lines) + "\n"

    def chunks():  # a chunked upload, as a caseload streamed from another system would be
        data = body.encode()
        for i in range(0, len(data), 1000):
            yield data[i : i + 1000]

    got = client.post(
        "/v1/worklist",
        params={"on": ON, "policy": "kent", "within": 10},
        content=chunks(),
        headers={"content-type": "application/x-ndjson"},
    )
    assert got.status_code == 200 and got.headers["content-type"] == "application/x-ndjson"
    out = [json.loads(line) for line in got.text.splitlines()]
    assert SENTINEL not in got.text
    assert out[-1]["type"] == "summary"
    assert out[-1]["summary"]["cases_read"] == 7 and out[-1]["summary"]["cases_with_errors"] == 2
    errors = [o for o in out if o["type"] == "error"]
    assert [e["record"] for e in errors] == [2, 4]
    assert errors[0]["errors"][0]["path"] == "child.date_of_birth"
    assert errors[1]["errors"][0]["line"] == 4
    # The same lines the CLI's worklist chooses, record by record.
    batch = Batch("kent")
    records = [json.loads(line) for line in lines if line != "{not json"]
    want = []
    for position, item in zip([1, 2, 3, 5, 6, 7], batch.run(records, on=ON), strict=True):
        work, _ = build([item], batch, dt.date(2025, 3, 3), 10)
        want += [{**as_dict(row), "record": position} for row in work]
    items = [{k: v for k, v in o.items() if k != "type"} for o in out if o["type"] == "item"]
    assert items == want and items


def test_worklist_stream_over_its_limit_says_so_and_stops(client):
    line = json.dumps(case_json(EXAMPLES[0])) + "\n"
    body = line * (64 * 1024 // len(line) + 2)

    def chunks():
        yield body.encode()

    got = client.post(
        "/v1/worklist",
        params={"on": ON, "policy": "kent"},
        content=chunks(),
        headers={"content-type": "application/x-ndjson"},
    )
    out = [json.loads(x) for x in got.text.splitlines()]
    assert out[-1]["type"] == "summary"
    assert "larger than" in out[-2]["errors"][0]["message"]
    declared = client.post(
        "/v1/worklist",
        params={"on": ON},
        content=body.encode(),
        headers={"content-type": "application/x-ndjson"},
    )
    problem(declared, 413)


def test_concurrent_requests_give_the_librarys_answers(server):
    jobs = [(p.parent.name, p) for p in EXAMPLES if latest_date(case_json(p)) <= ON]
    expected = {str(p): evaluate(pol, load_case(p), on=ON).to_dict() for pol, p in jobs}

    def call(job):
        pol, p = job
        with httpx.Client(base_url=server.url, headers=AUTH, timeout=30) as c:
            r = c.post("/v1/evaluate", json={"policy": pol, "on": ON, "case_text": p.read_text()})
            return str(p), r.status_code, r.json()

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(call, jobs * 4))
    assert len(results) == len(jobs) * 4
    for key, status, body in results:
        assert status == 200 and body == expected[key]


def test_timeline(client):
    path = ROOT / "examples/kent/absent_over_half_term.yaml"
    got = client.post("/v1/timeline", json={"policy": "kent", "on": ON, "case_text": path.read_text()})
    assert got.status_code == 200
    body = got.json()
    assert (body["svg"].startswith("<svg") and "absence day" in body["text"].lower()) or "Kent" in body[
        "text"
    ]


# -- policies and compliance -------------------------------------------------------------------------


def test_policies(client):
    from cme_policy.compliance import check_compliance
    from cme_policy.pack.load import shipped_policies

    listed = client.get("/v1/policies").json()
    assert [p["id"] for p in listed["policies"]] == sorted(shipped_policies())
    kent = next(p for p in listed["policies"] if p["id"] == "kent")
    assert kent["authority"]["name"] == "Kent County Council" and kent["statutory_floor"] == "england"
    detail = client.get("/v1/policies/kent").json()
    assert detail["sources"] and detail["rules_in_force"]
    rule = detail["rules_in_force"][0]
    assert rule["citation"]["section"] and rule["citation"]["document"] and rule["actions"][0]["when_due"]
    report = client.get("/v1/policies/kent/compliance", params={"on": "2026-11-23"})
    assert report.json() == json.loads(check_compliance("kent", on="2026-11-23").to_json())
    assert client.get("/v1/policies/kent/compliance").status_code == 200  # today
    body = problem(client.get("/v1/policies/nowhere"), 404)
    assert "kent" in body["detail"]
    problem(client.get("/v1/policies/nowhere/compliance"), 404)
    assert paths(problem(client.get("/v1/policies/kent/compliance", params={"on": "2026-13-01"}), 422)) == [
        "on"
    ]


# -- errors ----------------------------------------------------------------------------------------


def post(client, body: bytes | str, path="/v1/evaluate", media="application/json"):
    return client.post(path, content=body, headers={"content-type": media})


def test_bad_bodies_are_problems_with_places(client):
    body = problem(post(client, '{"policy": "kent",\n "on": }'), 422)
    assert body["errors"][0]["line"] == 2 and "not valid JSON" in body["errors"][0]["message"]
    assert "duplicate" in problem(post(client, '{"on": "x", "on": "y"}'), 422)["errors"][0]["message"]
    assert "NaN" in problem(post(client, '{"on": NaN}'), 422)["errors"][0]["message"]
    assert problem(post(client, b"\xff\xfe"), 422)["errors"][0]["message"].startswith("not UTF-8")
    assert problem(post(client, "[1]"), 422)["errors"][0]["message"] == "expected a JSON object"
    deep = "[" * 100_000 + "]" * 100_000
    assert problem(post(client, '{"case": ' + deep + "}"), 422)["errors"]


def test_every_field_problem_at_once_and_no_values(client):
    got = client.post(
        "/v1/evaluate",
        json={
            "policy": "kentt",
            "on": "03/03/2025",
            "statutory_floor": "yes",
            SENTINEL[:5]: 1,
            "case": {
                "case_ref": SENTINEL,
                "child": {"date_of_birth": SENTINEL, "looked_after": SENTINEL},
                "history": [{"event": SENTINEL, "on": SENTINEL}],
                "nickname": SENTINEL,
            },
        },
    )
    body = problem(got, 422)
    assert set(paths(body)) >= {
        "policy",
        "on",
        "statutory_floor",
        "case.child.date_of_birth",
        "case.child.looked_after",
        "case.history[0].event",
        "case.nickname",
    }
    assert "did you mean 'kent'" in json.dumps(body)
    assert SENTINEL not in got.text


def test_case_text_problems_have_lines(client):
    text = "child:\n  date_of_birth: 2015-13-01\nschool: {on_roll: maybe}\n"
    body = problem(client.post("/v1/evaluate", json={"policy": "kent", "on": ON, "case_text": text}), 422)
    where = {e["path"]: (e["line"], e["column"]) for e in body["errors"]}
    assert where["case.child.date_of_birth"][0] == 2 and where["case.school.on_roll"][0] == 3
    tagged = problem(
        client.post(
            "/v1/evaluate", json={"policy": "kent", "on": ON, "case_text": "child: !!python/object {}\n"}
        ),
        422,
    )
    assert tagged["errors"][0]["line"] == 1
    empty = problem(client.post("/v1/evaluate", json={"policy": "kent", "on": ON, "case_text": ""}), 422)
    assert "empty" in empty["errors"][0]["message"]


def test_case_given_twice_or_not_at_all(client):
    for extra in ({}, {"case": {}, "case_text": "{}"}):
        body = problem(client.post("/v1/evaluate", json={"policy": "kent", "on": ON, **extra}), 422)
        assert paths(body) == ["case"]
    missing = problem(client.post("/v1/evaluate", json={"case": {}}), 422)
    assert set(paths(missing)) == {"policy", "on"}


def test_a_case_that_cannot_be_true_on_the_date(client):
    case = {
        "absence": {"first_day_on": "2025-03-10"},
        "history": [{"event": "returned_to_school", "on": "2025-03-01"}],
    }
    got = client.post("/v1/evaluate", json={"policy": "kent", "on": ON, "case": case})
    assert got.status_code in (200, 422)
    if got.status_code == 422:
        assert all(p.startswith("case") for p in paths(got.json()))


def test_media_type_size_and_route_errors(client):
    problem(post(client, "{}", media="text/plain"), 415)
    problem(post(client, "{}", path="/v1/worklist?on=2025-03-03", media="application/json"), 415)
    problem(post(client, "x" * (256 * 1024 + 1)), 413)

    def chunks():  # no Content-Length: refused as it passes the limit
        for _ in range(300):
            yield b" " * 1024

    problem(client.post("/v1/evaluate", content=chunks(), headers={"content-type": "application/json"}), 413)
    problem(client.get("/v1/nothing-here"), 404)
    problem(client.get("/v1/evaluate"), 405)
    assert paths(
        problem(
            client.post(
                "/v1/worklist",
                params={"on": ON, "within": 401},
                content=b"",
                headers={"content-type": "application/x-ndjson"},
            ),
            422,
        )
    ) == ["within"]
    assert paths(
        problem(
            client.post(
                "/v1/worklist",
                params={"on": "today"},
                content=b"",
                headers={"content-type": "application/x-ndjson"},
            ),
            422,
        )
    ) == ["on"]


def test_batch_limits(client):
    too_many = client.post("/v1/evaluate/batch", json={"on": ON, "policy": "kent", "cases": [{}] * 51})
    assert paths(problem(too_many, 422)) == ["cases"]
    body = problem(client.post("/v1/evaluate/batch", json={"on": ON, "policy": "nope", "cases": "x"}), 422)
    assert set(paths(body)) == {"policy", "cases"}
    no_policy = client.post("/v1/evaluate/batch", json={"on": ON, "cases": [{}]}).json()
    assert no_policy["items"][0]["errors"][0]["path"] == "policy"


# -- tokens, hosts, logs -----------------------------------------------------------------------------


def test_every_endpoint_but_healthz_needs_a_token(server):
    doc = json.loads((ROOT / "schema/openapi.json").read_text())
    with httpx.Client(base_url=server.url, timeout=30) as anon:
        assert anon.get("/healthz").status_code == 200
        for path, operations in doc["paths"].items():
            url = path.replace("{policy_id}", "kent")
            for method in operations:
                got = anon.request(method, url)
                if path == "/healthz":
                    continue
                assert got.status_code == 401, (method, path)
                assert got.headers["www-authenticate"].startswith("Bearer")
        for url in ("/", "/static/page.js", "/openapi.json"):
            assert anon.get(url).status_code == 401
        assert anon.get("/").headers["www-authenticate"].startswith("Basic")
        wrong = anon.get("/v1/policies", headers={"authorization": "Bearer " + TOKEN[:-1] + "X"})
        problem(wrong, 401)
        problem(anon.get("/v1/policies", headers={"authorization": "Token " + TOKEN}), 401)
        second = anon.get("/v1/policies", headers={"authorization": "Bearer second-token-abcdefghij"})
        assert second.status_code == 200
        basic = base64.b64encode(f"anyone:{TOKEN}".encode()).decode()
        assert anon.get("/", headers={"authorization": f"Basic {basic}"}).status_code == 200


def test_without_tokens_only_loopback_hosts():
    with ServerThread(ServiceConfig()) as s, httpx.Client(base_url=s.url, timeout=30) as c:
        assert c.get("/v1/policies").status_code == 200
        assert c.get("/v1/policies", headers={"host": f"localhost:{s.port}"}).status_code == 200
        problem(c.get("/v1/policies", headers={"host": "attacker.example"}), 403)
        problem(c.get("/v1/policies", headers={"host": "attacker.example:80"}), 403)
    with pytest.raises(ValueError, match="loopback"):
        ServiceConfig(host="0.0.0.0").check()
    with pytest.raises(ValueError, match="16"):
        ServiceConfig(host="0.0.0.0", tokens=("short",)).check()
    ServiceConfig(host="0.0.0.0", tokens=(TOKEN,)).check()
    ServiceConfig(host="::1").check()


def test_security_headers_on_the_page(client):
    page = client.get("/")
    assert page.status_code == 200 and "<form" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_command_reloads_on_sighup_and_logs_no_case_data(tmp_path):
    port = _free_port()
    env = dict(os.environ, CME_POLICY_TOKENS=TOKEN)
    log = (tmp_path / "log.txt").open("w+")
    proc = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                first = httpx.get(url + "/healthz", timeout=2).json()["loaded_at"]
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None, "server did not start"
                time.sleep(0.1)
        case = {"case_ref": SENTINEL, "child": {"date_of_birth": SENTINEL}}
        stop = threading.Event()
        failures = []

        def keep_asking():  # requests in flight while the packs are reloaded
            with httpx.Client(base_url=url, headers=AUTH, timeout=30) as c:
                while not stop.is_set():
                    r = c.post("/v1/evaluate", json={"policy": "kent", "on": ON, "case": {}})
                    if r.status_code != 200:
                        failures.append(r.status_code)

        worker = threading.Thread(target=keep_asking)
        worker.start()
        httpx.post(
            url + f"/v1/evaluate?ref={SENTINEL}",
            json={"policy": "kent", "on": ON, "case": case},
            headers=AUTH,
        )
        time.sleep(1.1)  # loaded_at is kept to the second
        proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 20
        while httpx.get(url + "/healthz").json()["loaded_at"] == first:
            assert time.monotonic() < deadline, "SIGHUP did not reload"
            time.sleep(0.1)
        stop.set()
        worker.join()
        assert failures == []
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    log.seek(0)
    text = log.read()
    log.close()
    assert "POST /v1/evaluate 422" in text and "GET /healthz 200" in text and "packs reloaded" in text
    assert SENTINEL not in text and "ref=" not in text and TOKEN not in text


def test_admin_reload_swaps_the_packs(client):
    before = client.get("/healthz").json()["loaded_at"]
    got = client.post("/v1/admin/reload")
    assert got.status_code == 200 and "kent" in got.json()["policies"]
    assert got.json()["loaded_at"] >= before


def test_serve_refuses_other_addresses_without_tokens():
    env = {k: v for k, v in os.environ.items() if not k.startswith("CME_POLICY_TOKEN")}
    got = subprocess.run(
        [*CLI, "serve", "--host", "0.0.0.0"], env=env, capture_output=True, text=True, timeout=60
    )
    assert got.returncode == 2 and "loopback" in got.stderr


# -- the OpenAPI document and the import boundary ---------------------------------------------------


def test_openapi_document_is_checked_in_and_served(client):
    from cme_policy.service.app import create_app, openapi_document

    shipped = json.loads((ROOT / "schema/openapi.json").read_text())
    assert openapi_document(create_app(ServiceConfig())) == shipped, (
        "schema/openapi.json is out of date: cme-policy serve --openapi > schema/openapi.json"
    )
    served = client.get("/openapi.json").json()  # the test server's limits are its own (in info)
    assert {k: v for k, v in served.items() if k != "info"} == {
        k: v for k, v in shipped.items() if k != "info"
    }
    schemas = shipped["components"]["schemas"]
    assert {"Case", "EvaluationResult", "ComplianceReport", "ProblemDetails", "EvaluateRequest"} <= set(
        schemas
    )


def test_import_cme_policy_does_not_import_the_service():
    code = (
        "import sys, cme_policy; cme_policy.evaluate; cme_policy.evaluate_many; "
        "assert not [m for m in sys.modules if m.startswith(('fastapi', 'uvicorn', 'starlette', "
        "'cme_policy.service'))], 'service imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
