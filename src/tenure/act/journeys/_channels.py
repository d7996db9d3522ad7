"""Channels: e-mail over SMTP (with unsubscribe links), signed webhooks, and templates.

Errors of smtplib are converted to :class:`~tenure.errors.DeliveryError` here, with
the cause kept. Every e-mail carries a stable ``Message-ID`` made from its step run, so
a message sent again after a crash has the same id (docs/journeys.md, "Guarantees").
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTPUTF8
from email.utils import formatdate, parseaddr
from types import TracebackType
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from tenure._settings_act import EmailSettings
from tenure.errors import ConfigError, DeliveryError, Location, SignatureError

__all__ = [
    "Mailer",
    "TemplateRenderError",
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
        return (_HTML_ENV if html else _ENV).from_string(template).render(context)
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

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the SMTP server; returns when the server accepted it.

        Raises
        ------
        DeliveryError
            When the server refuses it or cannot be reached (after one reconnect).
        """
        for attempt in (1, 2):
            if self._smtp is None:
                self._smtp = self._connect()
            try:
                self._smtp.send_message(message)
                return
            except smtplib.SMTPServerDisconnected as exc:
                self._smtp = None
                if attempt == 2:
                    raise DeliveryError(f"the SMTP server closed the connection: {exc}") from exc
            except (OSError, smtplib.SMTPException) as exc:
                self.close()
                raise DeliveryError(
                    f"the SMTP server refused the message to {message['To']}: {exc}"
                ) from exc

    def close(self) -> None:
        """Say QUIT, if connected."""
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None
