"""Signed webhooks against a real HTTP receiver on localhost."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import ClassVar

import httpx
import pytest

from tenure.act.webhooks import EVENT_ID_HEADER, SIGNATURE_HEADER, post, sign, verify
from tenure.errors import SignatureError


class _Receiver(http.server.BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers.items()), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, type[_Receiver]]]:
    handler = type("Receiver", (_Receiver,), {"received": [], "status": 200})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks", handler
    server.shutdown()
    server.server_close()


def test_receiver_verifies_what_post_signed(receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    body = b'{"type":"offer.accepted","customer":"c1"}'
    with httpx.Client() as client:
        delivery = post(
            client, url, body, secret="s3cret", event_id="ev_1", timestamp=1_700_000_000
        )
    assert delivery.ok and delivery.status == 200 and not delivery.retry
    headers, received = handler.received[0]
    assert received == body
    assert headers[EVENT_ID_HEADER] == "ev_1"
    assert verify("s3cret", received, headers[SIGNATURE_HEADER], now=1_700_000_010) == 1_700_000_000


def test_failed_answers_say_whether_to_retry(receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    with httpx.Client() as client:
        handler.status = 503
        server_error = post(client, url, b"{}", secret="s", event_id="e", timestamp=1)
        handler.status = 400
        bad_request = post(client, url, b"{}", secret="s", event_id="e", timestamp=1)
        refused = post(
            client, "http://127.0.0.1:9/none", b"{}", secret="s", event_id="e", timestamp=1
        )
    assert (server_error.ok, server_error.retry) == (False, True)
    assert (bad_request.ok, bad_request.retry) == (False, False)
    assert refused.status is None and refused.retry


def test_verify_rejects_tampering_replays_and_garbage() -> None:
    header = sign("s3cret", b"{}", 1_000)
    with pytest.raises(SignatureError, match="does not match"):
        verify("s3cret", b'{"x":1}', header, now=1_000)
    with pytest.raises(SignatureError, match="does not match"):
        verify("other", b"{}", header, now=1_000)
    with pytest.raises(SignatureError, match="tolerance"):
        verify("s3cret", b"{}", header, now=1_000 + 301)
    with pytest.raises(SignatureError, match="malformed"):
        verify("s3cret", b"{}", "v1=abc", now=1_000)
