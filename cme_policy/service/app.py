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
:func:`~cme_policy.case.check_case`, whose messages never repeat a value (:mod:`.reading`).
This module makes the app and its routes; the worklist stream is :mod:`.stream`, what the
policy routes say :mod:`.policies`, and the OpenAPI document :mod:`.openapi`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..batch import RecordError
from ..case import Case
from ..engine.evaluate import evaluate_parsed
from ..errors import InputError, Problem
from ..pack.loaded import PolicyPack
from ..result import EvaluationResult
from ..yaml_io import format_loc
from . import models
from .config import ServiceConfig
from .guard import ERRORS, Guard
from .openapi import COMMON, openapi_document, problem_responses, request_body
from .packs import Holder, Packs
from .policies import pack_or_404, policy_detail, policy_summary
from .problems import INVALID_INPUT, MEDIA_TYPE, NOT_FOUND, ServiceProblem, invalid, under
from .reading import (
    BATCH_KEYS,
    JSON,
    JSON_LINES,
    declared_length,
    decode_json,
    floor_flag,
    known_policy,
    parse_evaluate,
    read_body,
    require_media,
    the_date,
    unknown_keys,
)
from .stream import BodyStream, StreamResponse, worklist_lines


def _evaluated(pack: PolicyPack, case: Case, day: dt.date, floor: PolicyPack | None) -> EvaluationResult:
    try:
        return evaluate_parsed(pack, case, day, floor=floor)
    except InputError as exc:  # a case that cannot be true on that date
        raise invalid([under("case", p) for p in exc.problems]) from None


def _json_response(text: str | bytes, status: int = 200) -> Response:
    return Response(text, status_code=status, media_type=JSON)


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
        responses=problem_responses(*COMMON, 400, 413, 415, 422),
        openapi_extra=request_body("EvaluateRequest"),
    )
    async def evaluate_one(request: Request) -> Response:
        """The verdicts an authority's procedure gives a case on a date, exactly as
        `cme_policy.evaluate` returns them (`EvaluationResult`)."""
        require_media(request, (JSON,))
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
        responses=problem_responses(*COMMON, 400, 413, 415, 422),
        openapi_extra=request_body("BatchRequest"),
    )
    async def evaluate_batch(request: Request) -> Response:
        """One item per case, in order: the result, or the case's problems (a bad case never
        stops the batch). Built on `cme_policy.evaluate_many`."""
        require_media(request, (JSON,))
        raw = await read_body(request, config.max_batch_bytes)
        packs = packs_now()
        return _json_response(await run_in_threadpool(_batch, packs, raw, config.max_batch_cases))

    @app.post(
        "/v1/worklist",
        tags=["evaluate"],
        summary="A caseload's worklist, streamed (JSON Lines in and out)",
        response_class=StreamResponse,
        responses={
            200: {
                "description": "One JSON object a line: `item` lines (a duty overdue, due, or "
                "upcoming within `within` school days), `error` lines (a record that could not "
                "be evaluated), and one `summary` line last.",
                "content": {
                    "application/x-ndjson": {"schema": {"$ref": "#/components/schemas/WorklistLine"}}
                },
            },
            **problem_responses(*COMMON, 413, 415, 422),
        },
        openapi_extra=request_body("CaseRecord", JSON_LINES),
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
        require_media(request, JSON_LINES)
        declared_length(request, config.max_stream_bytes)
        packs = packs_now()
        problems: list[Problem] = []
        day = the_date(on, problems)
        name = known_policy(packs, policy, problems, required=False)
        if problems or day is None:
            raise invalid(problems)
        stream = BodyStream(request, config.max_stream_bytes)
        return StreamResponse(worklist_lines(packs, stream, day, name, within, statutory_floor))

    @app.post(
        "/v1/timeline",
        tags=["evaluate"],
        summary="One case's timeline, as text and SVG",
        response_model=models.Timeline,
        responses=problem_responses(*COMMON, 400, 413, 415, 422),
        openapi_extra=request_body("EvaluateRequest"),
    )
    async def timeline(request: Request) -> Response:
        """School days, holidays, recorded events, due dates and earliest permitted dates, as
        `cme-policy timeline` draws them."""
        require_media(request, (JSON,))
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
        responses=problem_responses(*COMMON),
    )
    async def list_policies() -> Response:
        packs = packs_now()
        out = models.PolicyList(
            loaded_at=packs.loaded_at, policies=[policy_summary(packs, n) for n in packs.ids]
        )
        return _json_response(out.model_dump_json())

    @app.get(
        "/v1/policies/{policy_id}",
        tags=["policies"],
        summary="One pack: metadata, sources, rules",
        response_model=models.PolicyDetail,
        responses=problem_responses(*COMMON, 404),
    )
    async def get_policy(policy_id: str) -> Response:
        packs = packs_now()
        pack_or_404(packs, policy_id)
        return _json_response(policy_detail(packs, policy_id).model_dump_json())

    @app.get(
        "/v1/policies/{policy_id}/compliance",
        tags=["policies"],
        summary="A pack against the national baseline",
        response_model=_compliance_model(),
        responses=problem_responses(*COMMON, 404, 422),
    )
    async def compliance(
        policy_id: str,
        on: str | None = Query(None, description="The date, YYYY-MM-DD (default: today)."),
    ) -> Response:
        """Each national requirement in force on the date: met, stricter, met in part,
        weaker, not addressed or cannot tell, with both citations (`cme-policy check`)."""
        packs = packs_now()
        pack_or_404(packs, policy_id)
        problems: list[Problem] = []
        day = the_date(on if on is not None else dt.date.today().isoformat(), problems)
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
        responses=problem_responses(*COMMON, 422),
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
    problems = unknown_keys(body, BATCH_KEYS)
    day = the_date(body.get("on"), problems)
    name = known_policy(packs, body.get("policy"), problems, required=False)
    flag = floor_flag(body, problems)
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


__all__ = ["INVALID_INPUT", "create_app", "decode_json", "openapi_document", "parse_evaluate"]
