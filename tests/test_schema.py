"""The JSON Schema for packs: generated, shipped, fresh, and useful in a real editor server."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from cme_policy import ANCHORS, FACTS
from cme_policy.authoring.schema import (
    MODELINE,
    policy_pack_schema,
    policy_pack_schema_text,
)
from cme_policy.cli import main
from cme_policy.vocabulary import ACTION_DESCRIPTIONS, Actor
from cme_policy.yaml_io import read_yaml_file

ROOT = Path(__file__).resolve().parents[1]
PACKS = sorted((ROOT / "policies").glob("*.yaml"))


def test_shipped_schema_is_current() -> None:
    shipped = ROOT / "schema" / "policy-pack.schema.json"
    assert shipped.read_text(encoding="utf-8") == policy_pack_schema_text(), (
        "schema/policy-pack.schema.json is stale: run "
        "`cme-policy schema -o schema/policy-pack.schema.json`"
    )


def test_schema_command_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == policy_pack_schema()


def test_schema_check_flags_a_stale_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "s.json"
    stale.write_text("{}\n", encoding="utf-8")
    assert main(["schema", "--check", str(stale)]) == 1
    assert "stale" in capsys.readouterr().err
    assert main(["schema", "-o", str(stale)]) == 0
    assert main(["schema", "--check", str(stale)]) == 0


def test_schema_lists_every_fact_with_its_description() -> None:
    fact = policy_pack_schema()["$defs"]["FactTest"]["properties"]["fact"]
    assert fact["enum"] == list(FACTS)
    for name, text in zip(fact["enum"], fact["enumDescriptions"], strict=True):
        assert FACTS[name].description in text
    assert len(fact["markdownEnumDescriptions"]) == len(FACTS)


def test_schema_describes_action_kinds_actors_anchors_units() -> None:
    defs = policy_pack_schema()["$defs"]
    kinds = defs["ActionKind"]
    assert [ACTION_DESCRIPTIONS[k] for k in kinds["enum"]] == kinds["enumDescriptions"]  # type: ignore[index]
    assert defs["Actor"]["enum"] == [a.value for a in Actor]
    assert all(defs["Actor"]["enumDescriptions"])
    anchor = defs["Deadline"]["properties"]["anchor"]
    assert anchor["enum"] == list(ANCHORS)
    assert anchor["enumDescriptions"] == list(ANCHORS.values())
    units = defs["Duration"]["properties"]
    assert "absence day 11" in units["school_days"]["description"]
    assert defs["Duration"]["maxProperties"] == 1


def test_models_are_not_weakened() -> None:
    """The fact enum lives in the schema only: the model still takes any text and the loader
    reports an unknown fact with a did-you-mean."""
    from cme_policy.pack.model import FactTest

    assert FactTest.model_validate({"fact": "no.such.fact", "is": True}).fact == "no.such.fact"


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.stem)
def test_every_shipped_pack_names_the_schema(pack: Path) -> None:
    first = pack.read_text(encoding="utf-8").splitlines()[0]
    assert first == MODELINE


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.stem)
def test_every_shipped_pack_meets_the_schema(pack: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    doc, problems = read_yaml_file(pack)
    assert not problems
    validator = jsonschema.Draft7Validator(policy_pack_schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(_json_ready(doc.data))]
    assert errors == []


# -- the real yaml-language-server ----------------------------------------------------------------


def _server_command() -> list[str] | None:
    """How to start yaml-language-server: $YAML_LANGUAGE_SERVER (a path to its bin script),
    or on PATH (``npm install -g yaml-language-server``). None when Node or it is absent."""
    node = shutil.which("node")
    if node is None:
        return None
    script = os.environ.get("YAML_LANGUAGE_SERVER") or shutil.which("yaml-language-server")
    if not script:
        return None
    return [node, str(Path(script).resolve()), "--stdio"]


class _Lsp:
    """A minimal LSP client over stdio: enough to open documents, hover and complete."""

    def __init__(self, cmd: list[str]) -> None:
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.inbox.put(json.loads(out.read(length)))

    def send(self, payload: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **payload}).encode()
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any], timeout: float = 30) -> Any:
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == rid and "method" not in m, timeout).get("result")

    def wait(self, match: Any, timeout: float = 30) -> dict[str, Any]:
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("no answer from yaml-language-server")
            msg = self.inbox.get(timeout=left)
            if msg.get("method") == "workspace/configuration":
                # Answer the server's settings request: validate, hover and complete.
                items = msg["params"]["items"]
                answer = [_SETTINGS["yaml"] if i.get("section") == "yaml" else None for i in items]
                self.send({"id": msg["id"], "result": answer})
                continue
            if "id" in msg and "method" in msg:
                self.send({"id": msg["id"], "result": None})
                continue
            if match(msg):
                return msg

    def diagnostics(self, uri: str, timeout: float = 30) -> list[dict[str, Any]]:
        msg = self.wait(
            lambda m: m.get("method") == "textDocument/publishDiagnostics"
            and m["params"]["uri"] == uri,
            timeout,
        )
        return msg["params"]["diagnostics"]

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=5)
            self.notify("exit", {})
        except (TimeoutError, BrokenPipeError, queue.Empty):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


_SETTINGS: dict[str, Any] = {
    "yaml": {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False}}
}


@pytest.fixture(scope="module")
def lsp() -> Any:
    cmd = _server_command()
    if cmd is None:
        pytest.skip("needs Node and yaml-language-server (npm install -g yaml-language-server)")
    client = _Lsp(cmd)
    try:
        client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": ROOT.as_uri(),
                "capabilities": {
                    "textDocument": {
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"]}},
                    },
                    "workspace": {"configuration": True},
                },
            },
        )
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": _SETTINGS})
        yield client
    finally:
        client.close()


def _open(lsp: _Lsp, name: str, text: str) -> str:
    uri = (ROOT / "policies" / name).as_uri()  # the modeline's ../schema/ resolves from here
    lsp.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
    )
    return uri


def _position(text: str, needle: str, offset: int = 0) -> dict[str, int]:
    for n, line in enumerate(text.splitlines()):
        col = line.find(needle)
        if col >= 0:
            return {"line": n, "character": col + offset}
    raise AssertionError(needle)


def _hover_text(result: Any) -> str:
    if not result:
        return ""
    contents = result["contents"]
    if isinstance(contents, dict):
        return str(contents.get("value", ""))
    if isinstance(contents, list):
        return "\n".join(c if isinstance(c, str) else c.get("value", "") for c in contents)
    return str(contents)


def test_language_server_accepts_kent(lsp: _Lsp) -> None:
    text = (ROOT / "policies" / "kent.yaml").read_text(encoding="utf-8")
    uri = _open(lsp, "kent.yaml", text)
    errors = [d for d in lsp.diagnostics(uri) if d.get("severity", 1) == 1]
    assert errors == []


BROKEN = f"""{MODELINE}
pack_format: 1
id: demo
authority: {{id: demo, name: Demo Council}}
sources:
  - {{id: demo_cme, title: CME policy, publisher: Demo Council}}
rules:
  - id: refer
    title: Refer after ten days
    citation: {{source: demo_cme, section: "1"}}
    when:
      all:
        - fact: school.on_rol
          is: true
    then:
      - kind: refer_to_cme
        actor: school
        deadline:
          type: by
          anchor: absence_started
          after: {{school_days: 10}}
"""


def test_language_server_flags_an_unknown_fact(lsp: _Lsp) -> None:
    uri = _open(lsp, "demo_broken.yaml", BROKEN)
    diags = lsp.diagnostics(uri)
    lines = {d["range"]["start"]["line"] for d in diags}
    assert _position(BROKEN, "school.on_rol")["line"] in lines, diags


def test_language_server_hover_explains_facts_kinds_and_units(lsp: _Lsp) -> None:
    good = BROKEN.replace("school.on_rol", "school.on_roll").replace("demo_broken", "demo_hover")
    uri = _open(lsp, "demo_hover.yaml", good)
    lsp.diagnostics(uri)

    def hover(needle: str, offset: int = 1) -> str:
        return _hover_text(lsp.request(
            "textDocument/hover",
            {"textDocument": {"uri": uri}, "position": _position(good, needle, offset)},
        ))

    assert "admission register" in hover("school.on_roll", 2)
    assert ACTION_DESCRIPTIONS["refer_to_cme"] in hover("refer_to_cme", 2)  # type: ignore[index]
    assert "absence day 11" in hover("school_days")
    assert ANCHORS["absence_started"] in hover("absence_started", 2)


def test_language_server_completes_action_kinds_with_help(lsp: _Lsp) -> None:
    text = BROKEN.replace("school.on_rol", "school.on_roll").replace("kind: refer_to_cme", "kind: ")
    uri = _open(lsp, "demo_complete.yaml", text)
    lsp.diagnostics(uri)
    pos = _position(text, "kind: ", len("kind: "))
    got = lsp.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": pos})
    items = got["items"] if isinstance(got, dict) else got
    labels = {i["label"]: i for i in items}
    assert "refer_to_cme" in labels
    assert "contact_parents" in labels
    doc = labels["refer_to_cme"].get("documentation")
    assert doc and ACTION_DESCRIPTIONS["refer_to_cme"] in json.dumps(doc)  # type: ignore[index]


def test_language_server_completes_the_values_of_a_fact(lsp: _Lsp) -> None:
    text = BROKEN.replace("        - fact: school.on_rol\n          is: true",
                          "        - fact: risk.level\n          is: ")
    assert "risk.level" in text
    uri = _open(lsp, "demo_values.yaml", text)
    lsp.diagnostics(uri)
    pos = _position(text, "          is: ", len("          is: "))
    got = lsp.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": pos})
    labels = {i["label"] for i in (got["items"] if isinstance(got, dict) else got)}
    assert {"high", "medium", "low"} <= labels, labels


@pytest.mark.parametrize(
    ("test", "ok"),
    [
        ({"fact": "risk.level", "is": "high"}, True),
        ({"fact": "risk.level", "is": "hihg"}, False),
        ({"fact": "risk.level", "in": ["low", "medium"]}, True),
        ({"fact": "risk.level", "at_least": 1}, False),
        ({"fact": "school.on_roll", "is": True}, True),
        ({"fact": "school.on_roll", "is": "yes"}, False),
        ({"fact": "absence.continuous_school_days", "at_least": 10}, True),
        ({"fact": "absence.continuous_school_days", "is": 10}, False),
        ({"fact": "child.safeguarding_concerns", "includes_any": ["neglect"]}, True),
        ({"fact": "child.safeguarding_concerns", "includes_any": ["neglectt"]}, False),
        ({"fact": "child.year_group", "known": False}, True),
    ],
)
def test_schema_checks_operands_by_fact_type(test: dict[str, Any], ok: bool) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = policy_pack_schema()
    fact_test = {**schema["$defs"]["FactTest"], "$defs": schema["$defs"]}
    assert jsonschema.Draft7Validator(fact_test).is_valid(test) is ok
