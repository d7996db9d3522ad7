"""Real receivers for journey tests: an SMTP server (aiosmtpd) and an HTTP webhook receiver."""

from __future__ import annotations

import contextlib
import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from tenure.clock import Clock


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpSink:
    """Every message the SMTP server accepted, in order."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


@contextlib.contextmanager
def running_smtp() -> Iterator[SmtpSink]:
    """A real SMTP server on localhost (aiosmtpd) that keeps what it receives."""
    from aiosmtpd.controller import Controller

    sink = SmtpSink(free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A real SMTP server on localhost (aiosmtpd) that keeps what it receives."""
    with running_smtp() as sink:
        yield sink


@dataclass
class HttpSink:
    """Every POST the receiver got: headers and JSON body; answers ``fail_first`` with 503."""

    url: str = ""
    posts: list[tuple[dict[str, str], dict[str, Any], bytes]] = field(default_factory=list)
    fail_first: int = 0
    status: int = 200
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def http_sink() -> Iterator[HttpSink]:
    """A real HTTP server on localhost that records webhook posts."""
    sink = HttpSink()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with sink.lock:
                sink.posts.append((dict(self.headers), json.loads(body), body))
                failing = len(sink.posts) <= sink.fail_first or sink.status >= 300
            self.send_response(503 if failing else sink.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield sink
    server.shutdown()
    server.server_close()


@contextlib.contextmanager
def serving(
    folder: Path, *, clock: Clock | None = None, worker: bool = False
) -> Iterator[httpx.Client]:
    """``tenure serve [--worker]`` of ``folder`` under uvicorn in a thread; a client to it."""
    import uvicorn

    from tenure.app import create_app
    from tenure.config import Settings

    port = free_port()
    app = create_app(Settings.load(folder), clock=clock, worker=worker)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=60)
