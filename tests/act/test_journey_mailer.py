"""The SMTP hand-over: what is certain and what is not, against a real SMTP server.

The journey engine records an e-mail ``sending`` in the ``ready`` hook, after the
envelope and the data but before the ``.`` that ends the data; a refusal with an answer
is certain (not delivered, may be retried), a connection lost after the ``.`` is not
(``UnconfirmedDelivery``: never resent).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tenure._settings_act import EmailSettings
from tenure.act.journeys._channels import Mailer, UnconfirmedDelivery, build_email
from tenure.errors import DeliveryError

from .conftest import SmtpSink, free_port

pytestmark = pytest.mark.slow


class Scripted(SmtpSink):
    """Keeps each message, then answers as ``mode`` says: ok, refuse, or hang up."""

    mode = "ok"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await super().handle_DATA(server, session, envelope)
        if self.mode == "refuse":
            return "554 5.7.1 Message rejected"
        if self.mode == "hang up":
            server.transport.close()  # the data arrived; the answer never leaves
        return "250 OK"


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    from aiosmtpd.controller import Controller

    sink = Scripted(free_port())
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


def _mailer(sink: SmtpSink) -> Mailer:
    return Mailer(EmailSettings(port=sink.port, from_address="Acme <hello@acme.test>"))


def _message(n: int) -> Any:
    settings = EmailSettings(from_address="Acme <hello@acme.test>")
    return build_email(
        settings,
        to=f"c{n}@example.test",
        subject=f"Hi {n}",
        text="hello",
        html=None,
        message_id=f"ten.{n}.mail",
        unsubscribe_link="http://x/unsubscribe?token=t",
        at=0.0,
    )


def test_ready_is_called_before_the_data_ends(scripted: Scripted) -> None:
    mailer = _mailer(scripted)
    seen: list[int] = []
    assert mailer.send(_message(1), ready=lambda: seen.append(len(scripted.messages)) or True)
    assert seen == [0] and scripted.ids() == ["<ten.1.mail@acme.test>"]
    mailer.close()


def test_nothing_is_delivered_when_ready_says_no_and_the_next_message_goes_out(
    scripted: Scripted,
) -> None:
    mailer = _mailer(scripted)
    assert mailer.send(_message(1), ready=lambda: False) is False  # the data never ended
    assert scripted.messages == []
    assert mailer.send(_message(2)) is True  # on a new connection
    assert scripted.ids() == ["<ten.2.mail@acme.test>"]
    mailer.close()


def test_a_refusal_with_an_answer_is_certain_when_the_server_says_554(
    scripted: Scripted,
) -> None:
    scripted.mode = "refuse"
    with pytest.raises(DeliveryError) as caught:
        _mailer(scripted).send(_message(1), ready=lambda: True)
    assert not isinstance(caught.value, UnconfirmedDelivery)
    assert "554" in str(caught.value)


def test_a_lost_answer_is_unconfirmed_when_the_server_hangs_up_after_the_data(
    scripted: Scripted,
) -> None:
    scripted.mode = "hang up"
    with pytest.raises(UnconfirmedDelivery, match="may have been accepted"):
        _mailer(scripted).send(_message(1), ready=lambda: True)
    assert scripted.ids() == ["<ten.1.mail@acme.test>"]  # the server did get it
