"""The HTTP service: ``cme-policy serve`` (needs the ``service`` extra: ``pip install ".[service]"``).

    >>> from cme_policy.service import ServiceConfig, create_app
    >>> app = create_app(ServiceConfig(tokens=("a-long-random-token-1234",)))

FastAPI on uvicorn. Endpoints, limits, errors and security are described in
:mod:`cme_policy.service.app`; ``import cme_policy`` never imports this package.
"""

from __future__ import annotations

from .config import ServiceConfig, load_tokens

__all__ = ["ServiceConfig", "create_app", "load_tokens"]


def __getattr__(name: str) -> object:
    if name == "create_app":  # FastAPI is imported only when an app is made
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'cme_policy.service' has no attribute {name!r}")
