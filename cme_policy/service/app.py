"""The HTTP service: the library's evaluation, packs and compliance over HTTP, and a page to try
a case.

Endpoints (every one but ``/healthz`` needs a bearer token when tokens are configured):

* ``POST /v1/evaluate``: one case, an authority and a date; the library's result as JSON.
* ``POST /v1/evaluate/batch``: up to ``max_batch_cases`` cases (1,000 by default), one result
  or record error per case, in order (:func:`cme_policy.evaluate_many`).
* ``POST /v1/worklist``: a whole caseload as JSON Lines in, the worklist as JSON Lines out,
  streamed one record at a time (memory stays flat however long the caseload).
* ``POST /v1/timeline``: one case's timeline as text and SVG.
* ``GET /v1/policies``, ``GET /v1/policies/{id}``, ``GET /v1/policies/{id}/compliance``.
* ``POST /v1/admin/reload``: reload the packs (as SIGHUP does); ``GET /healthz``.
* ``GET /``: the page; ``GET /openapi.json``: the OpenAPI document (``schema/openapi.json``).

Errors are RFC 9457 problem details (:mod:`.problems`); bodies are read with a size limit and
decoded strictly (no duplicate keys, no NaN); a case is checked by the library's own
:func:`~cme_policy.case.check_case`, whose messages never repeat a value.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import signal
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.from_thread
from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import iterate_in_threadpool, run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from .. import __version__
from ..batch import RecordError
from ..case import Case, check_case
from ..engine.evaluate import evaluate_parsed, parse_on
from ..errors import InputError, Problem
from ..json_io import STRICT
from ..pack.loaded import PolicyPack
from ..result import EvaluationResult
from ..yaml_io import format_loc, parse_yaml, shown_key
from . import models
from .config import ServiceConfig
from .guard import ERRORS, Guard
from .packs import Holder, Packs
from .problems import (
    INVALID_INPUT,
    MEDIA_TYPE,
    NOT_FOUND,
    TOO_LARGE,
    UNSUPPORTED_MEDIA,
    ServiceProblem,
    invalid,
    under,
)

JSON = "application/json"
JSON_LINES = ("application/x-ndjson", "application/jsonl")
EVALUATE_KEYS = ("policy", "on", "case", "case_text", "statutory_floor")
BATCH_KEYS = ("on", "policy", "statutory_floor", "cases")
#: Worklist output is sent in pieces of about this size, or after this many seconds.
STREAM_CHUNK = 32 * 1024
STREAM_WAIT = 0.2


# -- reading requests ------------------------------------------------------------------------------


_DECODER = STRICT


def decode_json(raw: bytes) -> Any:
    """The body as JSON, strictly, or a 422 naming where it breaks (never what it says)."""
    try:
        return _DECODER.decode(raw.decode("utf-8").removeprefix("\ufeff"))
    except UnicodeDecodeError as exc:
        raise invalid([Problem("", f"not UTF-8 text (byte {exc.start})")]) from None
    except json.JSONDecodeError as exc:
        where = Problem("", f"not valid JSON: {exc.msg}", None, exc.lineno, exc.colno)
        raise invalid([where]) from None
    except RecursionError:
        raise invalid([Problem("", "nested too deeply")]) from None
    except ValueError as exc:  # from the hooks above: their own words
        raise invalid([Problem("", f"not valid JSON: {exc}")]) from None


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _require_media(request: Request, accepted: tuple[str, ...]) -> None:
    kind = _media_type(request)
    if kind not in accepted and not (JSON in accepted and kind.endswith("+json")):
        raise ServiceProblem(
            415, "Unsupported media type", type=UNSUPPORTED_MEDIA, detail=f"Send {' or '.join(accepted)}."
        )


def _too_large(limit: int) -> ServiceProblem:
    return ServiceProblem(
        413, "Content too large", type=TOO_LARGE, detail=f"The body is larger than {limit} bytes."
    )


def _declared_length(request: Request, limit: int) -> None:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, refusing it as soon as it passes ``limit`` bytes."""
    _declared_length(request, limit)
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            parts.append(chunk)
    except ClientDisconnect:
        raise ServiceProblem(400, "Bad request", detail="The client went away.") from None
    return b"".join(parts)


def _unknown_keys(body: dict[str, Any], known: tuple[str, ...]) -> list[Problem]:
    return [Problem(shown_key(str(k)), "unknown field") for k in body if k not in known]


def _the_date(value: Any, problems: list[Problem], path: str = "on") -> dt.date | None:
    try:
        return parse_on(value)
    except InputError as exc:
        problems.extend(Problem(path, p.message) for p in exc.problems)
        return None


def _floor_flag(body: dict[str, Any], problems: list[Problem]) -> bool:
    flag = body.get("statutory_floor", True)
    if not isinstance(flag, bool):
        problems.append(Problem("statutory_floor", "expected true or false"))
        return True
    return flag


def _policy(packs: Packs, name: Any, problems: list[Problem], required: bool = True) -> str | None:
    if name is None:
        if required:
            problems.append(Problem("policy", "missing: give an authority id (GET /v1/policies)"))
        return None
    if not isinstance(name, str):
        problems.append(Problem("policy", "expected an authority id"))
        return None
    if name not in packs.packs:
        from ..pack.check import did_you_mean

        problems.append(Problem("policy", f"not a shipped authority id{did_you_mean(name, packs.ids)}"))
        return None
    return name


def _case_of(body: dict[str, Any], problems: list[Problem]) -> Case | None:
    has_case, has_text = body.get("case") is not None, body.get("case_text") is not None
    if has_case == has_text:
        problems.append(
            Problem("case", "give the case as either case (JSON) or case_text (YAML or JSON text)")
        )
        return None
    if has_case:
        case, found = check_case(body["case"])
        problems.extend(under("case", Problem(format_loc(loc), msg)) for loc, msg in found)
        return case
    text = body["case_text"]
    if not isinstance(text, str):
        problems.append(Problem("case_text", "expected the text of a YAML or JSON case file"))
        return None
    doc, read = parse_yaml(text)  # the library's strict reader, with its limits
    if doc.data is None:
        problems.extend(under("case", p) for p in read)
        if not read:
            problems.append(Problem("case_text", "empty: write {} for a case where nothing is known"))
        return None
    case, found = check_case(doc.data)
    seen = {p.path for p in read}
    problems.extend(under("case", p) for p in read)
    problems.extend(under("case", doc.problem(loc, msg)) for loc, msg in found if format_loc(loc) not in seen)
    return case if not read else None


def parse_evaluate(packs: Packs, body: Any) -> tuple[PolicyPack, PolicyPack | None, Case, dt.date]:
    """The pack, floor, case and date of an evaluate (or timeline) request, or a 422."""
    if not isinstance(body, dict):
        raise invalid([Problem("", "expected a JSON object")])
    problems = _unknown_keys(body, EVALUATE_KEYS)
    name = _policy(packs, body.get("policy"), problems)
    day = _the_date(body.get("on"), problems)
    flag = _floor_flag(body, problems)
    case = _case_of(body, problems)
    if problems or name is None or day is None or case is None:
        raise invalid(problems)
    return packs.get(name), packs.floor(name, flag), case, day


def _evaluated(pack: PolicyPack, case: Case, day: dt.date, floor: PolicyPack | None) -> EvaluationResult:
    try:
        return evaluate_parsed(pack, case, day, floor=floor)
    except InputError as exc:  # a case that cannot be true on that date
        raise invalid([under("case", p) for p in exc.problems]) from None


def _json_response(text: str | bytes, status: int = 200) -> Response:
    return Response(text, status_code=status, media_type=JSON)


# -- the worklist stream ---------------------------------------------------------------------------


class _BodyStream(io.RawIOBase):
    """The request body as a blocking binary stream for a worker thread: each read asks the
    event loop for the next chunk. Stops with :class:`ServiceProblem` past ``limit`` bytes."""

    def __init__(self, request: Request, limit: int) -> None:
        self.chunks = request.stream()
        self.limit = limit
        self.size = 0
        self.pending = b""
        self.done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending and not self.done:
            try:
                chunk = anyio.from_thread.run(_next_chunk, self.chunks)
            except ClientDisconnect:
                chunk = None
            if chunk is None:
                self.done = True
                break
            self.size += len(chunk)
            if self.size > self.limit:
                raise _too_large(self.limit)
            self.pending = chunk
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


async def _next_chunk(chunks: Any) -> bytes | None:
    try:
        return await chunks.__anext__()
    except StopAsyncIteration:
        return None


def _line(data: dict[str, Any]) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _error_line(err: RecordError) -> bytes:
    from ..worklist import shown

    return _line(
        {
            "type": "error",
            "record": err.position,
            "case_ref": shown(err.case_ref) if err.case_ref else None,
            "errors": [
                {"path": p.path, "message": p.message, "line": p.line, "column": p.column}
                for p in err.problems
            ],
        }
    )


def worklist_lines(
    packs: Packs, stream: _BodyStream, day: dt.date, policy: str | None, within: int, statutory_floor: bool
) -> Iterator[bytes]:
    """The worklist of a JSON Lines caseload, record by record, in input order: for each case
    its overdue, due and (within ``within`` school days) upcoming duties, most urgent first,
    as ``cme-policy worklist`` chooses them; an error line for a record that cannot be
    evaluated; and a summary line last. Runs in a worker thread."""
    from ..caseload import read_jsonl
    from ..worklist import Summary, as_dict, build

    batch = packs.batch(policy, statutory_floor)
    total = Summary()
    buffered: list[bytes] = []
    size = 0
    sent = time.monotonic()
    try:
        items = batch.run(read_jsonl(io.BufferedReader(stream, 1 << 16), "body"), on=day)
        for position, item in enumerate(items, 1):
            work, summary = build([item], batch, day, within)
            total.cases_read += 1
            total.cases_with_errors += summary.cases_with_errors
            total.verdicts += summary.verdicts
            total.lines += summary.lines
            lines = (
                [_error_line(item)]
                if isinstance(item, RecordError)
                else [_line({"type": "item", **as_dict(row), "record": position}) for row in work]
            )
            work.close()
            buffered += lines
            size += sum(len(b) for b in lines)
            if size >= STREAM_CHUNK or time.monotonic() - sent > STREAM_WAIT:
                yield b"".join(buffered)
                buffered, size, sent = [], 0, time.monotonic()
    except ServiceProblem as exc:  # the body grew past the limit: say so, and stop
        buffered.append(
            _line(
                {
                    "type": "error",
                    "record": None,
                    "case_ref": None,
                    "errors": [
                        {"path": "", "message": exc.detail or exc.title, "line": None, "column": None}
                    ],
                }
            )
        )
    buffered.append(_line({"type": "summary", "summary": total.as_dict()}))
    yield b"".join(buffered)


class _StreamResponse(Response):
    """JSON Lines produced by a worker thread while it reads the request body. Unlike
    Starlette's StreamingResponse it does not listen for a disconnect on ``receive``, which
    the body reader owns."""

    media_type = "application/x-ndjson"

    def __init__(self, lines: Iterator[bytes], status_code: int = 200) -> None:
        self.status_code = status_code
        self.background = None
        self.raw_headers = [(b"content-type", self.media_type.encode()), (b"cache-control", b"no-store")]
        self.lines = lines

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        async for chunk in iterate_in_threadpool(self.lines):
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


# -- policies --------------------------------------------------------------------------------------


def _summary(packs: Packs, name: str) -> dict[str, Any]:
    pack = packs.get(name)
    pol = pack.policy
    floor = packs.floor(name)
    return {
        "id": pack.id,
        "authority": pol.authority.model_dump(mode="json"),
        "extends": pol.extends,
        "effective_from": pol.effective_from,
        "effective_to": pol.effective_to,
        "review_due_on": pol.review_due_on,
        "statutory_floor": floor.id if floor is not None else None,
        "rules": len(pack.rules),
    }


def _detail(packs: Packs, name: str) -> models.PolicyDetail:
    from ..authoring.words import actor_label, deadline_words
    from ..compliance.check import cite
    from ..compliance.matching import condition_words

    pack = packs.get(name)
    pol = pack.policy

    def citation(c: Any) -> dict[str, Any]:
        return {"source": c.source, "section": c.section, "document": cite(pack, c), "quote": c.quote}

    rules = []
    for rule in pack.rules:
        rules.append(
            {
                "id": rule.id,
                "pack": pack.rule_pack(rule.id).id,
                "title": rule.title,
                "citation": citation(rule.citation),
                "also_cites": [citation(c) for c in rule.also_cites],
                "interpretation": rule.interpretation.model_dump() if rule.interpretation else None,
                "effective_from": rule.effective_from,
                "effective_to": rule.effective_to,
                "when": condition_words(rule.when) if rule.when else "always",
                "until": condition_words(rule.until) if rule.until else None,
                "when_condition": rule.when.model_dump(mode="json", by_alias=True, exclude_none=True)
                if rule.when
                else None,
                "until_condition": rule.until.model_dump(mode="json", by_alias=True, exclude_none=True)
                if rule.until
                else None,
                "actions": [
                    {
                        "kind": a.kind.value,
                        "actor": a.actor.value,
                        "actor_label": actor_label(a.actor),
                        "route": a.route,
                        "when_due": deadline_words(a.deadline, a),
                        "forbidden": a.forbidden,
                        "permission": a.permission.value if a.permission is not None else None,
                    }
                    for a in rule.then
                ],
            }
        )
    sources = [s.model_dump(exclude={"cites"}) for p in pack.lineage() for s in p.policy.sources]
    years = sorted(pack.calendar.years)
    return models.PolicyDetail(
        **_summary(packs, name),
        calendar=pol.calendar,
        term_years=[f"{y}/{(y + 1) % 100:02d}" for y in years],
        sources=sources,
        rules_in_force=rules,
        not_encoded=[n.model_dump() for n in pol.not_encoded],
    )


def _pack_or_404(packs: Packs, name: str) -> None:
    if name not in packs.packs:
        raise ServiceProblem(
            404, "Not found", type=NOT_FOUND, detail=f"No policy with this id. Known: {', '.join(packs.ids)}."
        )


# -- the app ---------------------------------------------------------------------------------------

_PROBLEM = {"$ref": "#/components/schemas/ProblemDetails"}


def _problem_responses(*codes: int) -> dict[int | str, Any]:
    words = {
        400: "The request could not be read.",
        401: "No valid bearer token.",
        403: "Without tokens: a request that names a host other than a loopback one.",
        404: "No such policy (or path).",
        413: "The body is larger than the limit.",
        415: "The body is not of the media type this endpoint reads.",
        422: "Invalid input: every problem, with its field path.",
        500: "Internal error (nothing about the request is repeated).",
    }
    return {c: {"description": words[c], "content": {MEDIA_TYPE: {"schema": _PROBLEM}}} for c in codes}


def _body(schema: str, media: tuple[str, ...] = (JSON,)) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"requestBody": {"required": True, "content": {m: {"schema": ref} for m in media}}}


COMMON = (401, 403, 500)


def create_app(config: ServiceConfig | None = None, holder: Holder | None = None) -> FastAPI:
    """The ASGI app: packs loaded now (unless a :class:`Holder` is given), served as described
    in this module's docstring."""
    config = config or ServiceConfig()
    holder = holder or Holder()
    app = FastAPI(
        title="cme_policy",
        version=__version__,
        summary="English local authorities' Children Missing Education policies, evaluated.",
        description=(
            "Evaluate a child's case against an authority's Children Missing Education procedure "
            "on a date: one verdict per duty, with the rules and citations behind it. Every "
            "endpoint but /healthz needs `Authorization: Bearer <token>` when the service has "
            "tokens. Errors are RFC 9457 problem details whose messages never repeat a value "
            f"from the request. Limits: {config.max_body_bytes} bytes for one case, "
            f"{config.max_batch_cases} cases and {config.max_batch_bytes} bytes for a batch, "
            f"{config.max_stream_bytes} bytes for a worklist stream."
        ),
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        hup = False
        if config.reload_on_sighup:
            try:
                loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(_reload_logged(holder)))
                hup = True
            except (ValueError, RuntimeError, NotImplementedError, AttributeError):
                ERRORS.warning("SIGHUP cannot be caught here: reload with POST /v1/admin/reload")
        yield
        if hup:
            loop.remove_signal_handler(signal.SIGHUP)

    app.router.lifespan_context = lifespan
    app.state.holder = holder
    app.state.config = config
    app.add_middleware(Guard, tokens=config.tokens)

    @app.exception_handler(ServiceProblem)
    async def _problem(request: Request, exc: ServiceProblem) -> Response:
        return Response(exc.encode(request.url.path), exc.status, headers=exc.headers, media_type=MEDIA_TYPE)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "HTTP error")
        problem = ServiceProblem(
            exc.status_code, title, type=NOT_FOUND if exc.status_code == 404 else "about:blank"
        )
        return Response(
            problem.encode(request.url.path), exc.status_code, headers=exc.headers, media_type=MEDIA_TYPE
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        # Query parameters only (bodies are read by hand): the message, never the input.
        found = [Problem(format_loc(tuple(e["loc"][1:])), e["msg"]) for e in exc.errors()]
        problem = invalid(found)
        return Response(problem.encode(request.url.path), 422, media_type=MEDIA_TYPE)

    def packs_now() -> Packs:
        return holder.current

    # -- evaluation --

    @app.post(
        "/v1/evaluate",
        tags=["evaluate"],
        summary="Evaluate one case",
        response_model=EvaluationResult,
        responses=_problem_responses(*COMMON, 400, 413, 415, 422),
        openapi_extra=_body("EvaluateRequest"),
    )
    async def evaluate_one(request: Request) -> Response:
        """The verdicts an authority's procedure gives a case on a date, exactly as
        `cme_policy.evaluate` returns them (`EvaluationResult`)."""
        _require_media(request, (JSON,))
        raw = await read_body(request, config.max_body_bytes)
        packs = packs_now()

        def work() -> str:
            pack, floor, case, day = parse_evaluate(packs, decode_json(raw))
            return _evaluated(pack, case, day, floor).to_json(indent=None)

        return _json_response(await run_in_threadpool(work))

    @app.post(
        "/v1/evaluate/batch",
        tags=["evaluate"],
        summary="Evaluate up to max_batch_cases cases",
        response_model=models.BatchResponse,
        responses=_problem_responses(*COMMON, 400, 413, 415, 422),
        openapi_extra=_body("BatchRequest"),
    )
    async def evaluate_batch(request: Request) -> Response:
        """One item per case, in order: the result, or the case's problems (a bad case never
        stops the batch). Built on `cme_policy.evaluate_many`."""
        _require_media(request, (JSON,))
        raw = await read_body(request, config.max_batch_bytes)
        packs = packs_now()
        return _json_response(await run_in_threadpool(_batch, packs, raw, config.max_batch_cases))

    @app.post(
        "/v1/worklist",
        tags=["evaluate"],
        summary="A caseload's worklist, streamed (JSON Lines in and out)",
        response_class=_StreamResponse,
        responses={
            200: {
                "description": "One JSON object a line: `item` lines (a duty overdue, due, or "
                "upcoming within `within` school days), `error` lines (a record that could not "
                "be evaluated), and one `summary` line last.",
                "content": {
                    "application/x-ndjson": {"schema": {"$ref": "#/components/schemas/WorklistLine"}}
                },
            },
            **_problem_responses(*COMMON, 413, 415, 422),
        },
        openapi_extra=_body("CaseRecord", JSON_LINES),
    )
    async def worklist(
        request: Request,
        on: str = Query(description="The evaluation date, YYYY-MM-DD."),
        policy: str | None = Query(None, description="The authority for records that name none."),
        within: int = Query(0, ge=0, le=400, description="Also list duties due within N school days."),
        statutory_floor: bool = Query(True),
    ) -> Response:
        """Each line of the body is one case record (a case, with an optional `policy`). Records
        are read, evaluated and answered one at a time, in order; memory stays flat."""
        _require_media(request, JSON_LINES)
        _declared_length(request, config.max_stream_bytes)
        packs = packs_now()
        problems: list[Problem] = []
        day = _the_date(on, problems)
        name = _policy(packs, policy, problems, required=False)
        if problems or day is None:
            raise invalid(problems)
        stream = _BodyStream(request, config.max_stream_bytes)
        return _StreamResponse(worklist_lines(packs, stream, day, name, within, statutory_floor))

    @app.post(
        "/v1/timeline",
        tags=["evaluate"],
        summary="One case's timeline, as text and SVG",
        response_model=models.Timeline,
        responses=_problem_responses(*COMMON, 400, 413, 415, 422),
        openapi_extra=_body("EvaluateRequest"),
    )
    async def timeline(request: Request) -> Response:
        """School days, holidays, recorded events, due dates and earliest permitted dates, as
        `cme-policy timeline` draws them."""
        _require_media(request, (JSON,))
        raw = await read_body(request, config.max_body_bytes)
        packs = packs_now()

        def work() -> str:
            from ..authoring.timeline import build_timeline, render_svg, render_text

            pack, _floor, case, day = parse_evaluate(packs, decode_json(raw))
            try:
                tl = build_timeline(pack, case, day)
            except InputError as exc:
                raise invalid([under("case", p) for p in exc.problems]) from None
            out = models.Timeline(policy=pack.id, on=day, text=render_text(tl), svg=render_svg(tl))
            return out.model_dump_json()

        return _json_response(await run_in_threadpool(work))

    # -- policies --

    @app.get(
        "/v1/policies",
        tags=["policies"],
        summary="The packs in service",
        response_model=models.PolicyList,
        responses=_problem_responses(*COMMON),
    )
    async def list_policies() -> Response:
        packs = packs_now()
        out = models.PolicyList(loaded_at=packs.loaded_at, policies=[_summary(packs, n) for n in packs.ids])
        return _json_response(out.model_dump_json())

    @app.get(
        "/v1/policies/{policy_id}",
        tags=["policies"],
        summary="One pack: metadata, sources, rules",
        response_model=models.PolicyDetail,
        responses=_problem_responses(*COMMON, 404),
    )
    async def get_policy(policy_id: str) -> Response:
        packs = packs_now()
        _pack_or_404(packs, policy_id)
        return _json_response(_detail(packs, policy_id).model_dump_json())

    @app.get(
        "/v1/policies/{policy_id}/compliance",
        tags=["policies"],
        summary="A pack against the national baseline",
        response_model=_compliance_model(),
        responses=_problem_responses(*COMMON, 404, 422),
    )
    async def compliance(
        policy_id: str,
        on: str | None = Query(None, description="The date, YYYY-MM-DD (default: today)."),
    ) -> Response:
        """Each national requirement in force on the date: met, stricter, met in part,
        weaker, not addressed or cannot tell, with both citations (`cme-policy check`)."""
        packs = packs_now()
        _pack_or_404(packs, policy_id)
        problems: list[Problem] = []
        day = _the_date(on if on is not None else dt.date.today().isoformat(), problems)
        if day is None:
            raise invalid(problems)
        report = await run_in_threadpool(packs.compliance, policy_id, day)
        return _json_response(report.to_json(indent=None))

    # -- operations --

    @app.get(
        "/healthz", tags=["operations"], summary="Liveness (no token needed)", response_model=models.Health
    )
    async def healthz() -> Response:
        packs = packs_now()
        out = models.Health(
            status="ok",
            version=__version__,
            policies=len(packs.packs),
            loaded_at=packs.loaded_at,
            max_body_bytes=config.max_body_bytes,
            max_batch_cases=config.max_batch_cases,
            max_batch_bytes=config.max_batch_bytes,
            max_stream_bytes=config.max_stream_bytes,
        )
        return _json_response(out.model_dump_json())

    @app.post(
        "/v1/admin/reload",
        tags=["operations"],
        summary="Reload the packs (as SIGHUP does)",
        response_model=models.Reloaded,
        responses=_problem_responses(*COMMON, 422),
    )
    async def reload() -> Response:
        """Requests in flight finish on the packs they started with; a pack that no longer
        loads is reported and the packs in service are kept."""
        try:
            fresh = await run_in_threadpool(holder.reload)
        except InputError as exc:
            raise invalid(exc.problems, "A pack does not load: the packs in service are kept.") from None
        out = models.Reloaded(loaded_at=fresh.loaded_at, policies=fresh.ids)
        return _json_response(out.model_dump_json())

    # -- the page --

    from .page import add_page_routes

    add_page_routes(app)

    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    return app


async def _reload_logged(holder: Holder) -> None:
    try:
        fresh = await run_in_threadpool(holder.reload)
    except InputError as exc:  # a pack's own problems: file, line and field, no case data
        ERRORS.error("reload failed, the packs in service are kept:\n%s", "\n".join(map(str, exc.problems)))
        return
    except Exception as exc:
        ERRORS.error("reload failed, the packs in service are kept: %s", type(exc).__name__)
        return
    ERRORS.warning("packs reloaded: %s", ", ".join(fresh.ids))


def _compliance_model() -> type:
    from ..compliance import ComplianceReport

    return ComplianceReport


def _batch(packs: Packs, raw: bytes, limit: int) -> str:
    body = decode_json(raw)
    if not isinstance(body, dict):
        raise invalid([Problem("", "expected a JSON object")])
    problems = _unknown_keys(body, BATCH_KEYS)
    day = _the_date(body.get("on"), problems)
    name = _policy(packs, body.get("policy"), problems, required=False)
    flag = _floor_flag(body, problems)
    cases = body.get("cases")
    if not isinstance(cases, list):
        problems.append(Problem("cases", "expected a list of cases"))
    elif len(cases) > limit:
        problems.append(Problem("cases", f"more than {limit} cases: send them in parts, or use /v1/worklist"))
    if problems or day is None or not isinstance(cases, list):
        raise invalid(problems)
    from ..worklist import shown

    parts = []
    errors = 0
    for position, item in enumerate(packs.batch(name, flag).run(cases, on=day), 1):
        ref = json.dumps(shown(item.case_ref) if item.case_ref else None, ensure_ascii=False)
        if isinstance(item, RecordError):
            errors += 1
            found = json.dumps(
                [
                    {"path": p.path, "message": p.message, "line": p.line, "column": p.column}
                    for p in item.problems
                ],
                ensure_ascii=False,
            )
            parts.append(f'{{"position":{position},"case_ref":{ref},"errors":{found}}}')
        else:
            parts.append(f'{{"position":{position},"case_ref":{ref},"result":{item.to_json(indent=None)}}}')
    head = f'{{"on":"{day.isoformat()}","count":{len(parts)},"errors":{errors},"items":['
    return head + ",".join(parts) + "]}"


# -- the OpenAPI document --------------------------------------------------------------------------

#: Models named by hand-written request bodies and responses, added to the components: the
#: request bodies as read ("validation"), the others as written ("serialization").
EXTRA_MODELS: tuple[tuple[Callable[[], type], str], ...] = (
    (lambda: models.EvaluateRequest, "validation"),
    (lambda: models.BatchRequest, "validation"),
    (lambda: models.CaseRecord, "validation"),
    (lambda: models.ProblemDetails, "serialization"),
    (lambda: models.WorklistLine, "serialization"),
)


def _without_defaults(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_defaults(v) for k, v in node.items() if k != "default"}
    if isinstance(node, list):
        return [_without_defaults(v) for v in node]
    return node


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document: FastAPI's, from the response models, with the request models
    (case included) that the service reads by hand added to its components."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi
    from pydantic.json_schema import models_json_schema

    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    _, defs = models_json_schema(
        [(make(), mode) for make, mode in EXTRA_MODELS],  # type: ignore[misc]
        ref_template="#/components/schemas/{model}",
    )
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in sorted(defs.get("$defs", {}).items()):
        if name in schemas:  # FastAPI's rendering of the same model is kept
            if _without_defaults(schemas[name]) != _without_defaults(schema):
                raise RuntimeError(f"two different schemas are named {name}")
            continue
        schemas[name] = schema
    # FastAPI's own validation-error schemas: every 422 here is a problem+json instead.
    for path in doc["paths"].values():
        for op in path.values():
            op.get("responses", {}).get("422", {}).get("content", {}).pop("application/json", None)
    text = json.dumps(doc["paths"]) + json.dumps(
        {k: v for k, v in schemas.items() if k != "HTTPValidationError"}
    )
    for name in ("HTTPValidationError", "ValidationError"):
        if f'/{name}"' not in text:
            schemas.pop(name, None)
    doc["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    for path, operations in doc["paths"].items():
        if path != "/healthz":
            for op in operations.values():
                op["security"] = [{"bearer": []}]
    doc["components"]["schemas"] = dict(sorted(schemas.items()))
    app.openapi_schema = doc
    return doc


__all__ = ["INVALID_INPUT", "create_app", "decode_json", "openapi_document", "parse_evaluate"]
