"""A real uvicorn server on a free loopback port, in a thread, for the service's tests."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

from cme_policy.service.app import create_app
from cme_policy.service.config import ServiceConfig
from cme_policy.service.packs import Holder

_HOLDER: Holder | None = None


def shared_holder() -> Holder:
    """The packs, loaded once for every test server (loading takes a fraction of a second)."""
    global _HOLDER
    if _HOLDER is None:
        _HOLDER = Holder()
    return _HOLDER


class ServerThread:
    def __init__(self, config: ServiceConfig | None = None, holder: Holder | None = None) -> None:
        self.config = config or ServiceConfig()
        self.app = create_app(self.config, holder or shared_holder())
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                self.app, access_log=False, log_level="warning", lifespan="on", server_header=False
            )
        )
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
