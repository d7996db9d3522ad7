"""Channels: e-mail over SMTP (with unsubscribe links), signed webhooks, and templates.

Errors of smtplib are converted to :class:`~tenure.errors.DeliveryError` here, with
the cause kept. Every e-mail carries a stable ``Message-ID`` made from its step run, so
a message sent again after a crash has the same id (docs/journeys.md, "Guarantees").
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import io
import re
import smtplib
import ssl
from collections.abc import Callable
from email.generator import BytesGenerator
from email.message import EmailMessage
from email.policy import SMTPUTF8
from email.utils import formatdate, getaddresses, parseaddr
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from tenure._settings_act import EmailSettings
from tenure.errors import ConfigError, DeliveryError, Location, SignatureError

__all__ = [
    "Mailer",
    "TemplateRenderError",
    "UnconfirmedDelivery",
    "build_email",
    "read_unsubscribe_token",
    "render",
    "undeclared_variables",
    "unsubscribe_tenant",
    "unsubscribe_token",
]

# RFC 5322 allows 998 characters a line: a long unsubscribe link stays one <url>, not
# encoded words that mail clients cannot follow
_POLICY = SMTPUTF8.clone(max_line_length=998)
_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_HTML_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


@functools.lru_cache(maxsize=1024)
def _compiled(template: str, html: bool) -> Template:
    """A template compiled once (compiling costs far more than rendering)."""
    return (_HTML_ENV if html else _ENV).from_string(template)


class TemplateRenderError(ConfigError):
    """A template that does not parse or render; ``template_line`` is 1-based in the template.

    ``variable`` is the variable or attribute the template used and the context lacks
    (``metrics.seatz``), when that was the problem.
    """

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        template_line: int | None = None,
        variable: str | None = None,
    ) -> None:
        super().__init__(message, location=location)
        self.template_line = template_line
        self.variable = variable


def _template_line(tb: TracebackType | None) -> int | None:
    """The template's line of the innermost template frame (Jinja rewrites tracebacks)."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _variable(exc: TemplateError, source: str, line: int | None) -> str | None:
    """The missing variable (``risk``) or attribute path (``metrics.seatz``) of ``exc``."""
    text = str(exc)
    match = re.match(r"^'([^']+)' is undefined$", text)
    if match:
        return match.group(1)
    match = re.search(r"has no attribute '([^']+)'$", text)
    if match is None:
        return None
    attribute = match.group(1)
    lines = source.splitlines()
    where = lines[line - 1] if line and line <= len(lines) else source
    found = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(attribute)}\b", where)
    return f"{found.group(1)}.{attribute}" if found else attribute


def render(template: str, context: dict[str, Any], *, html: bool = False, where: str = "") -> str:
    """Render a Jinja template in a sandbox; an unknown variable is an error naming it.

    Raises
    ------
    TemplateRenderError
        Naming the step's field, the template's line and the missing variable.
    """
    try:
        return _compiled(template, html).render(context)
    except TemplateError as exc:
        if isinstance(exc, TemplateSyntaxError):
            line: int | None = exc.lineno
        else:
            line = _template_line(exc.__traceback__)
        variable = _variable(exc, template, line)
        what = f"the variable {variable!r} is not there" if variable else str(exc)
        at = f" (line {line} of the template)" if line else ""
        raise TemplateRenderError(
            f"The template of {where or 'a step'} cannot be rendered: {what}{at}: {exc}. Use "
            "only the variables listed in docs/journeys.md (customer, traits, journey, "
            "metrics, risk, reasons, segment, offers, unsubscribe_url), and test the ones "
            "that may be None ({% if risk %}...{% endif %}).",
            location=Location(field=where or None),
            template_line=line,
            variable=variable,
        ) from exc


def undeclared_variables(template: str) -> tuple[set[str], int | None, str | None]:
    """The top-level variables a template reads, or its syntax error's line and message."""
    try:
        return meta.find_undeclared_variables(_ENV.parse(template)), None, None
    except TemplateSyntaxError as exc:
        return set(), exc.lineno, exc.message


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def unsubscribe_token(secret: str, tenant_id: str, customer_id: str) -> str:
    """A signed token naming the tenant and customer: ``payload.signature`` (HMAC-SHA256)."""
    payload = _b64(f"{tenant_id}\n{customer_id}".encode())
    mac = hmac.new(secret.encode("utf-8"), payload.encode("ascii"), hashlib.sha256).digest()
    return f"{payload}.{_b64(mac)}"


def _payload(token: str) -> tuple[str, str]:
    payload = token.partition(".")[0]
    try:
        text = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise SignatureError("the unsubscribe link is not valid (cannot decode it)") from exc
    tenant_id, _, customer_id = text.partition("\n")
    return tenant_id, customer_id


def unsubscribe_tenant(token: str) -> str:
    """The tenant a token names, *not yet verified*: whose secret verifies it."""
    return _payload(token)[0]


def read_unsubscribe_token(secret: str, token: str) -> tuple[str, str]:
    """``(tenant_id, customer_id)`` of a token made by :func:`unsubscribe_token`.

    Raises
    ------
    SignatureError
        When the token is malformed or its signature is not ours.
    """
    payload, _, signature = token.partition(".")
    expected = _b64(
        hmac.new(secret.encode("utf-8"), payload.encode("ascii"), hashlib.sha256).digest()
    )
    if not signature or not hmac.compare_digest(signature, expected):
        raise SignatureError("the unsubscribe link is not valid (its signature does not match)")
    return _payload(token)


def build_email(
    settings: EmailSettings,
    *,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    unsubscribe_link: str,
    at: float,
) -> EmailMessage:
    """A multipart (text, and HTML when given) e-mail with one-click unsubscribe headers."""
    message = EmailMessage(policy=_POLICY)
    domain = parseaddr(settings.from_address)[1].rpartition("@")[2] or "tenure.local"
    message["From"] = settings.from_address
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(at, usegmt=True)
    message["Message-ID"] = f"<{message_id}@{domain}>"
    message["List-Unsubscribe"] = f"<{unsubscribe_link}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


class UnconfirmedDelivery(DeliveryError):
    """The SMTP server may have accepted the message: its answer to the data never came.

    The connection broke (or timed out) after the message's data, ending with ``.``, went
    out and before the server's reply: RFC 5321 (section 4.1.1.4) leaves the message
    delivered or not. Sending it again could deliver it twice, so the journey records
    the run ``unconfirmed`` and does not (docs/journeys.md, "The engine and its
    guarantees").
    """


def _flatten(message: EmailMessage) -> tuple[str, list[str], bytes, list[str]]:
    """``(from, recipients, data, mail options)`` as ``SMTP.send_message`` makes them."""
    sender = getaddresses([str(message["From"])])[0][1]
    recipients = [a[1] for a in getaddresses([str(v) for v in (message["To"], message["Cc"]) if v])]
    options: list[str] = []
    buffer = io.BytesIO()
    if all(a.isascii() for a in (sender, *recipients)):
        BytesGenerator(buffer).flatten(message, linesep="\r\n")
    else:
        options = ["SMTPUTF8", "BODY=8BITMIME"]
        BytesGenerator(buffer, policy=_POLICY).flatten(message, linesep="\r\n")
    return sender, recipients, buffer.getvalue(), options


class Mailer:
    """One SMTP connection, opened on first use and reused until :meth:`close`."""

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        try:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username is not None:
                smtp.login(s.username, s.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(
                f"cannot connect to the SMTP server {s.host}:{s.port}: {exc}. Check [email] "
                "host, port, starttls and the login"
            ) from exc
        return smtp

    def _envelope(
        self, smtp: smtplib.SMTP, sender: str, recipients: list[str], options: list[str]
    ) -> None:
        """``MAIL FROM`` and ``RCPT TO``: a refusal here delivers nothing."""
        smtp.ehlo_or_helo_if_needed()
        if options and not smtp.has_extn("smtputf8"):
            raise smtplib.SMTPNotSupportedError(
                "the addresses need SMTPUTF8, which the server does not offer"
            )
        code, reply = smtp.mail(sender, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        refused: dict[str, tuple[int, bytes]] = {}
        for to in recipients:
            code, reply = smtp.rcpt(to)
            if code not in (250, 251):
                refused[to] = (code, reply)
        if len(refused) == len(recipients):
            raise smtplib.SMTPRecipientsRefused(refused)

    def send(self, message: EmailMessage, *, ready: Callable[[], bool] | None = None) -> bool:
        """Hand one message to the SMTP server; True when the server accepted it.

        The envelope (``MAIL FROM``, ``RCPT TO``) and the message's data go first, all but
        the final ``.`` that ends the data; then ``ready()`` is called, and only if it
        returns True does the ``.`` go out (else the connection is dropped, which makes
        the server discard the unfinished message, and False is returned). The journey
        engine records there, durably, that the message is being handed over: a crash
        before the ``.`` delivers nothing, so only the moment between the ``.`` and the
        server's answer is uncertain.

        Raises
        ------
        UnconfirmedDelivery
            When the connection broke after the data went out and before the server's
            answer: the message may or may not have been accepted.
        DeliveryError
            When the server refused it (nothing was delivered) or cannot be reached
            (after one reconnect).
        """
        sender, recipients, data, options = _flatten(message)
        for attempt in (1, 2):
            if self._smtp is None:
                self._smtp = self._connect()
            try:
                self._envelope(self._smtp, sender, recipients, options)
                break
            except smtplib.SMTPServerDisconnected as exc:  # a reused connection went stale
                self._smtp = None
                if attempt == 2:
                    raise DeliveryError(f"the SMTP server closed the connection: {exc}") from exc
            except (OSError, smtplib.SMTPException) as exc:
                self.close()
                raise DeliveryError(
                    f"the SMTP server refused the message to {message['To']}: {exc}"
                ) from exc
        smtp = self._smtp
        assert smtp is not None
        try:
            smtp.putcmd("data")
            code, reply = smtp.getreply()
            if code == 354:
                quoted = re.sub(rb"(?m)^\.", b"..", data)
                if not quoted.endswith(b"\r\n"):
                    quoted += b"\r\n"
                smtp.send(quoted)  # all but the final "." that ends it
        except (OSError, smtplib.SMTPException) as exc:  # the data never ended: not delivered
            self._drop()
            raise DeliveryError(f"the SMTP server failed during DATA: {exc}") from exc
        if code != 354:
            self.close()
            raise DeliveryError(
                f"the SMTP server refused DATA for {message['To']}: {code} {reply!r}"
            )
        if ready is not None and not ready():
            self._drop()  # a transaction whose data never ended is discarded by the server
            return False
        try:
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise UnconfirmedDelivery(
                f"the connection to the SMTP server broke before it answered the message to "
                f"{message['To']} ({exc}); it may have been accepted"
            ) from exc
        if code != 250:  # an answer, so certain: the message was not accepted
            self.close()
            raise DeliveryError(
                f"the SMTP server refused the message to {message['To']}: {code} {reply!r}"
            )
        return True

    def _drop(self) -> None:
        """Forget a broken connection without talking to it."""
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
            self._smtp = None

    def close(self) -> None:
        """Say QUIT, if connected."""
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None
