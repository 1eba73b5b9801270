"""``cme-policy serve``: start the HTTP service (the ``service`` extra)."""

from __future__ import annotations

import argparse
import json
import sys

from ..cli import EXIT_INPUT, EXIT_OK, command
from . import config as cfg

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _setup(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    p.add_argument(
        "--token-file",
        metavar="FILE",
        help=f"bearer tokens, one a line (else ${cfg.TOKEN_FILE_ENV} or ${cfg.TOKENS_ENV}); "
        "without tokens only a loopback address is allowed",
    )
    p.add_argument("--max-batch", type=int, default=cfg.MAX_BATCH_CASES, help="most cases in one batch")
    p.add_argument("--max-body", type=int, default=cfg.MAX_BODY_BYTES, help="largest single-case body, bytes")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.add_argument("--openapi", action="store_true", help="print the OpenAPI document and exit")


def log_config(level: str) -> dict[str, object]:
    """Logging for uvicorn and the service. uvicorn's own access log is off: the service's
    access log (cme_policy.service.access) has the method, path, status and time only."""
    handler = {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": LOG_FORMAT}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "cme_policy.service": {"handlers": ["stderr"], "level": level.upper(), "propagate": False},
        },
    }


@command("serve", "start the HTTP service (needs the 'service' extra)", _setup)
def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from .app import create_app
        from .openapi import openapi_document
    except ModuleNotFoundError as exc:
        print(f"error: the service needs {exc.name}: pip install 'cme_policy[service]'", file=sys.stderr)
        return EXIT_INPUT
    config = cfg.ServiceConfig(
        host=args.host,
        port=args.port,
        tokens=cfg.load_tokens(args.token_file),
        max_batch_cases=args.max_batch,
        max_body_bytes=args.max_body,
        reload_on_sighup=True,
    )
    if args.openapi:
        print(json.dumps(openapi_document(create_app(config)), indent=2, ensure_ascii=False))
        return EXIT_OK
    config.check()  # before anything listens: no tokens, no address but loopback
    app = create_app(config)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            access_log=False,
            server_header=False,
            log_config=log_config(args.log_level),
            timeout_graceful_shutdown=30,
        )
    )
    server.run()
    return EXIT_OK


__all__ = ["cmd_serve", "log_config"]
