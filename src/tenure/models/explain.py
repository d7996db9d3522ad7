"""Reasons a person can act on: a customer's top risk drivers, written as sentences.

The churn model gives each feature's contribution to a customer's risk (SHAP values in
log-odds). :func:`reasons` takes the features that push the risk *up* the most and
writes each one from the customer's own values, in English or German:
"usage down 62% against the previous 30 days", "2 failed payments in the last 30 days",
"last NPS answer 3 of 10".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

__all__ = ["LANGUAGES", "ColumnRow", "Language", "family", "phrase", "ranked_reasons", "reasons"]

Language = Literal["en", "de"]
LANGUAGES: tuple[Language, ...] = ("en", "de")

Row = Mapping[str, Any]


class ColumnRow(Mapping[str, Any]):
    """Row ``index`` of a table held as columns (name -> list), read without copying it.

    Scoring 100k customers builds no per-row dictionaries.
    """

    __slots__ = ("columns", "index")

    def __init__(self, columns: Mapping[str, Sequence[Any]], index: int) -> None:
        self.columns = columns
        self.index = index

    def __getitem__(self, key: str) -> Any:
        return self.columns[key][self.index]

    def __iter__(self) -> Iterator[str]:
        return iter(self.columns)

    def __len__(self) -> int:
        return len(self.columns)


def _number(value: Any, lang: Language, digits: int = 0) -> str:
    """A number as a person would write it in ``lang`` (1,234.5 / 1.234,5)."""
    text = f"{float(value):,.{digits}f}"
    if lang == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


_PLURAL = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")

# Numeric features: (English, German). {n} is the value rounded to a whole number, {x}
# the value with one decimal, {a|b} picks a for n == 1, else b.
_NUMERIC: dict[str, tuple[str, str]] = {
    "events_7d": (
        "{n} product {event|events} in the last 7 days",
        "{n} Produkt-{Ereignis|Ereignisse} in den letzten 7 Tagen",
    ),
    "events_30d": (
        "{n} product {event|events} in the last 30 days",
        "{n} Produkt-{Ereignis|Ereignisse} in den letzten 30 Tagen",
    ),
    "events_90d": (
        "{n} product {event|events} in the last 90 days",
        "{n} Produkt-{Ereignis|Ereignisse} in den letzten 90 Tagen",
    ),
    "events_prev_30d": (
        "{n} product {event|events} 31-60 days ago",
        "{n} Produkt-{Ereignis|Ereignisse} vor 31-60 Tagen",
    ),
    "active_days_30d": ("active on {n} of the last 30 days", "an {n} der letzten 30 Tage aktiv"),
    "feature_breadth_30d": (
        "used {n} different {feature|features} in the last 30 days",
        "{n} verschiedene {Funktion|Funktionen} in den letzten 30 Tagen genutzt",
    ),
    "days_since_seen": ("last seen {n} days ago", "zuletzt vor {n} Tagen aktiv"),
    "logins_30d": (
        "{n} {login|logins} in the last 30 days",
        "{n} {Anmeldung|Anmeldungen} in den letzten 30 Tagen",
    ),
    "limit_hits_30d": (
        "hit a plan limit {n} {time|times} in the last 30 days",
        "{n}-mal an ein Tarif-Limit gestoßen (letzte 30 Tage)",
    ),
    "invites_90d": (
        "{n} {teammate|teammates} invited in the last 90 days",
        "{n} {Teammitglied|Teammitglieder} in den letzten 90 Tagen eingeladen",
    ),
    "days_since_key_action": (
        "last key action {n} days ago",
        "letzte Schlüsselaktion vor {n} Tagen",
    ),
    "key_actions_30d": (
        "{n} key {action|actions} in the last 30 days",
        "{n} {Schlüsselaktion|Schlüsselaktionen} in den letzten 30 Tagen",
    ),
    "onboarding_steps": (
        "{n} onboarding {step|steps} completed",
        "{n} Onboarding-{Schritt|Schritte} abgeschlossen",
    ),
    "email_opens_30d": (
        "opened {n} {e-mail|e-mails} in the last 30 days",
        "{n} {E-Mail|E-Mails} in den letzten 30 Tagen geöffnet",
    ),
    "email_clicks_30d": (
        "clicked {n} e-mail {link|links} in the last 30 days",
        "{n} E-Mail-{Link|Links} in den letzten 30 Tagen geklickt",
    ),
    "failed_payments_30d": (
        "{n} failed {payment|payments} in the last 30 days",
        "{n} {fehlgeschlagene Zahlung|fehlgeschlagene Zahlungen} in den letzten 30 Tagen",
    ),
    "failed_payments_90d": (
        "{n} failed {payment|payments} in the last 90 days",
        "{n} {fehlgeschlagene Zahlung|fehlgeschlagene Zahlungen} in den letzten 90 Tagen",
    ),
    "open_invoices": ("{n} unpaid {invoice|invoices}", "{n} unbezahlte {Rechnung|Rechnungen}"),
    "nps_last": ("last NPS answer {n} of 10", "letzte NPS-Antwort {n} von 10"),
    "days_since_nps": ("last NPS answer {n} days ago", "letzte NPS-Antwort vor {n} Tagen"),
    "tickets_90d": (
        "{n} support {ticket|tickets} in the last 90 days",
        "{n} Support-{Ticket|Tickets} in den letzten 90 Tagen",
    ),
    "open_tickets": (
        "{n} support {ticket|tickets} still open",
        "{n} Support-{Ticket|Tickets} noch offen",
    ),
    "urgent_tickets_90d": (
        "{n} urgent support {ticket|tickets} in the last 90 days",
        "{n} dringende Support-{Ticket|Tickets} in den letzten 90 Tagen",
    ),
    "csat_180d": ("support satisfaction {x} of 5", "Support-Zufriedenheit {x} von 5"),
    "mrr": ("pays {n} a month", "zahlt {n} im Monat"),
    "downgrades_180d": (
        "{n} {downgrade|downgrades} in the last 180 days",
        "{n} {Herabstufung|Herabstufungen} in den letzten 180 Tagen",
    ),
    "upgrades_180d": (
        "{n} {upgrade|upgrades} in the last 180 days",
        "{n} {Upgrade|Upgrades} in den letzten 180 Tagen",
    ),
    "seats": ("{n} {seat|seats}", "{n} {Platz|Plätze}"),
    "discount_pct": ("on a {n}% discount", "mit {n} % Rabatt"),
    "renewal_in_days": ("renews in {n} days", "Verlängerung in {n} Tagen"),
    "paying_days": ("paying customer for {n} days", "seit {n} Tagen zahlender Kunde"),
    "account_age_days": ("account {n} days old", "Konto seit {n} Tagen"),
    "subscriptions": (
        "{n} active {subscription|subscriptions}",
        "{n} {aktives Abonnement|aktive Abonnements}",
    ),
}

# Flags: (English if true, English if false, German if true, German if false).
_FLAGS: dict[str, tuple[str, str, str, str]] = {
    "key_action_done": (
        "did the key action",
        "never did the key action",
        "hat die Schlüsselaktion ausgeführt",
        "hat die Schlüsselaktion nie ausgeführt",
    ),
    "last_payment_failed": (
        "the latest payment failed",
        "the latest payment went through",
        "die letzte Zahlung ist fehlgeschlagen",
        "die letzte Zahlung war erfolgreich",
    ),
    "card_expiring_soon": (
        "the card on file expires soon",
        "the card on file is valid",
        "die hinterlegte Karte läuft bald ab",
        "die hinterlegte Karte ist gültig",
    ),
    "on_trial": (
        "still in the trial",
        "past the trial",
        "noch in der Testphase",
        "nach der Testphase",
    ),
    "cancel_pending": (
        "cancellation scheduled",
        "no cancellation scheduled",
        "Kündigung vorgemerkt",
        "keine Kündigung vorgemerkt",
    ),
}

# Categories: (English, German) with {v} the value.
_CATEGORIES: dict[str, tuple[str, str]] = {
    "plan": ("on the {v} plan", "im Tarif {v}"),
    "billing_interval": ("billed every {v}", "Abrechnung je {v}"),
    "country": ("based in {v}", "Sitz in {v}"),
    "channel": ("came through {v}", "gewonnen über {v}"),
    "company_size": ("{v} employees", "{v} Mitarbeitende"),
    "industry": ("industry {v}", "Branche {v}"),
}


def _fill(template: str, value: float, lang: Language) -> str:
    n = round(value)
    text = _PLURAL.sub(lambda m: m.group(1) if n == 1 else m.group(2), template)
    return text.format(n=_number(n, lang), x=_number(value, lang, 1))


def _ratio(ratio: Any, row: Row, lang: Language) -> str | None:
    if _missing(ratio):
        quiet = not row.get("events_30d") and not row.get("events_prev_30d")
        words = ("no product use in the last 60 days", "keine Nutzung in den letzten 60 Tagen")
        return words[lang == "de"] if quiet else None
    pct = _number(abs(1.0 - float(ratio)) * 100, lang)
    if float(ratio) < 1:
        return (
            f"usage down {pct}% against the previous 30 days",
            f"Nutzung {pct} % unter den vorherigen 30 Tagen",
        )[lang == "de"]
    return (
        f"usage up {pct}% against the previous 30 days",
        f"Nutzung {pct} % über den vorherigen 30 Tagen",
    )[lang == "de"]


def _change(value: float, lang: Language, what: tuple[str, str], unit: str) -> str:
    size = _number(abs(value), lang)
    if lang == "de":
        verb = "gesunken" if value < 0 else "gestiegen"
        return f"{what[1]} um {size}{unit} {verb}"
    return f"{what[0]} {'down' if value < 0 else 'up'} {size}{unit}"


def phrase(feature: str, row: Row, lang: Language = "en") -> str | None:
    """``feature`` of ``row`` as a sentence fragment in ``lang``; None when it says nothing.

    >>> phrase("nps_last", {"nps_last": 3.0})
    'last NPS answer 3 of 10'
    >>> phrase("usage_ratio_30d", {"usage_ratio_30d": 0.38}, "de")
    'Nutzung 62 % unter den vorherigen 30 Tagen'
    """
    value = row.get(feature)
    de = lang == "de"
    if feature == "usage_ratio_30d":
        return _ratio(value, row, lang)
    if value is None or _missing(value):
        return None
    if feature in _FLAGS:
        texts = _FLAGS[feature]
        return texts[2 * de + (not bool(value))]
    if feature in _CATEGORIES:
        return _CATEGORIES[feature][de].format(v=value)
    if feature == "mrr_change_pct_90d":
        return _change(
            float(value), lang, ("MRR in 90 days", "MRR in 90 Tagen"), "%" if not de else " %"
        )
    if feature == "nps_change":
        return _change(
            float(value), lang, ("NPS answer", "NPS-Antwort"), " points" if not de else " Punkte"
        )
    if feature in _NUMERIC:
        return _fill(_NUMERIC[feature][de], float(value), lang)
    return f"{feature} = {value}"


_WINDOW = re.compile(r"_(prev_)?\d+d$")
_FAMILIES = {"last_payment_failed": "failed_payments", "usage_ratio": "events"}


def family(feature: str) -> str:
    """Features that tell the same story share a family; a customer gets one reason each.

    >>> family("failed_payments_30d"), family("last_payment_failed"), family("events_prev_30d")
    ('failed_payments', 'failed_payments', 'events')
    """
    base = _WINDOW.sub("", feature)
    return _FAMILIES.get(base, base)


def reasons(
    row: Row, contributions: Mapping[str, float], *, lang: Language = "en", top: int = 3
) -> list[str]:
    """The ``top`` features that raise this customer's risk most, as sentences.

    ``contributions`` maps feature names to their share of the risk score (positive
    raises it). Features whose value says nothing (missing) are skipped.
    """
    ranked = sorted(
        ((name, value) for name, value in contributions.items() if value > 0),
        key=lambda item: -item[1],
    )
    return ranked_reasons(row, [name for name, _ in ranked], lang=lang, top=top)


def ranked_reasons(
    row: Row, ranked: Sequence[str], *, lang: Language = "en", top: int = 3
) -> list[str]:
    """Sentences for the features in ``ranked`` (strongest first), one per family."""
    out: list[str] = []
    seen: set[str] = set()
    for name in ranked:
        text = phrase(name, row, lang)
        if text and family(name) not in seen:
            seen.add(family(name))
            out.append(text)
        if len(out) == top:
            break
    return out
