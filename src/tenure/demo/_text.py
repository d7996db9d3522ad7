"""Free text of the demo world, in English and German: comments and ticket subjects.

Customers with the ``de`` locale write in German, everyone else in English.
"""

from __future__ import annotations

import random

from tenure.schema import STRIPE_FEEDBACK_REASONS

__all__ = ["STRIPE_FEEDBACK", "cancel_comment", "csat_comment", "nps_comment", "ticket_subject"]

STRIPE_FEEDBACK: dict[str, str] = {
    **{reason: feedback for feedback, reason in STRIPE_FEEDBACK_REASONS.items()},
    "temporary_budget": "other",  # Stripe has no such answer
}
"""Tenure cancel reason code -> Stripe ``cancellation_details.feedback`` value."""

_CANCEL: dict[str, dict[str, tuple[str, ...]]] = {
    "too_expensive": {
        "en": (
            "Too expensive for what we use.",
            "The per-seat price adds up quickly for us.",
            "We can't justify the cost this year.",
            "Price went up and our budget didn't.",
            "Great tool, but too pricey for a small team.",
        ),
        "de": (
            "Zu teuer für das, was wir nutzen.",
            "Der Preis pro Nutzer ist für uns zu hoch.",
            "Die Kosten können wir dieses Jahr nicht rechtfertigen.",
            "Gutes Tool, aber für ein kleines Team zu teuer.",
        ),
    },
    "not_using": {
        "en": (
            "We never really got started.",
            "Nobody on the team logs in anymore.",
            "Not using it enough to keep paying.",
            "We set it up but didn't adopt it.",
        ),
        "de": (
            "Wir haben es kaum genutzt.",
            "Niemand im Team loggt sich mehr ein.",
            "Wir nutzen es zu selten.",
            "Eingerichtet, aber nie richtig eingeführt.",
        ),
    },
    "missing_features": {
        "en": (
            "Missing a Salesforce integration.",
            "We need SSO and audit logs.",
            "No custom fiscal calendars.",
            "Exports are too limited for our finance team.",
            "We need an API for embedding reports.",
        ),
        "de": (
            "Uns fehlt eine DATEV-Schnittstelle.",
            "Wir brauchen SSO und ein Audit-Log.",
            "Die Exportfunktionen reichen uns nicht.",
            "Es fehlt eine API zum Einbetten.",
        ),
    },
    "technical_issues": {
        "en": (
            "Dashboards were slow and often timed out.",
            "Too many sync errors.",
            "Data was out of date too often.",
            "The integration kept breaking.",
        ),
        "de": (
            "Dashboards waren langsam und hatten oft Timeouts.",
            "Zu viele Sync-Fehler.",
            "Die Daten waren oft veraltet.",
            "Die Integration ist ständig abgebrochen.",
        ),
    },
    "poor_support": {
        "en": (
            "Support took days to reply.",
            "Our tickets were never resolved.",
            "We felt left alone after onboarding.",
        ),
        "de": (
            "Der Support hat tagelang nicht geantwortet.",
            "Unsere Tickets wurden nie gelöst.",
            "Nach dem Onboarding fühlten wir uns allein gelassen.",
        ),
    },
    "switched_competitor": {
        "en": (
            "Moving to a tool our parent company uses.",
            "Switched to a cheaper competitor.",
            "We consolidated on another BI platform.",
        ),
        "de": (
            "Wir wechseln zu dem Tool unserer Muttergesellschaft.",
            "Wir sind zu einem günstigeren Anbieter gewechselt.",
            "Wir konsolidieren auf eine andere BI-Plattform.",
        ),
    },
    "temporary_budget": {
        "en": (
            "Budget freeze until next quarter.",
            "Pausing spend for now, will be back.",
            "Seasonal business, we'll return in spring.",
        ),
        "de": (
            "Budgetstopp bis zum nächsten Quartal.",
            "Wir pausieren vorerst, kommen aber wieder.",
            "Saisonales Geschäft, wir kommen im Frühjahr zurück.",
        ),
    },
    "too_complex": {
        "en": (
            "Too complicated for our team.",
            "The learning curve was too steep.",
            "Setting up reports took too long.",
        ),
        "de": (
            "Zu kompliziert für unser Team.",
            "Die Einarbeitung war zu aufwendig.",
            "Berichte einzurichten hat zu lange gedauert.",
        ),
    },
    "other": {
        "en": ("Company is shutting down.", "We were acquired.", "Project ended."),
        "de": (
            "Unser Unternehmen wird aufgelöst.",
            "Wir wurden übernommen.",
            "Das Projekt ist beendet.",
        ),
    },
}

_NPS: dict[str, dict[str, tuple[str, ...]]] = {
    "promoter": {
        "en": (
            "Love the dashboards, saves me hours every week.",
            "Easy to use and fast.",
            "Support is super helpful.",
            "Best reporting tool we've tried.",
        ),
        "de": (
            "Die Dashboards sparen mir jede Woche Stunden.",
            "Einfach zu bedienen und schnell.",
            "Der Support ist sehr hilfsbereit.",
            "Das beste Reporting-Tool, das wir getestet haben.",
        ),
    },
    "passive": {
        "en": (
            "Good, but a bit pricey.",
            "Does the job, exports could be better.",
            "Solid, but the setup took a while.",
        ),
        "de": (
            "Gut, aber etwas teuer.",
            "Erfüllt seinen Zweck, Exporte könnten besser sein.",
            "Solide, aber die Einrichtung hat gedauert.",
        ),
    },
    "detractor": {
        "en": (
            "Too slow and buggy.",
            "Hard to get the team to use it.",
            "Missing features we need.",
            "Not worth the price.",
        ),
        "de": (
            "Zu langsam und fehlerhaft.",
            "Das Team nutzt es kaum.",
            "Es fehlen Funktionen, die wir brauchen.",
            "Den Preis nicht wert.",
        ),
    },
}

_CSAT: dict[str, dict[str, tuple[str, ...]]] = {
    "good": {
        "en": ("Quick and helpful, thanks!", "Solved on the first reply."),
        "de": ("Schnell und hilfreich, danke!", "Gleich mit der ersten Antwort gelöst."),
    },
    "bad": {
        "en": ("Took far too long.", "Problem still not fixed."),
        "de": ("Hat viel zu lange gedauert.", "Das Problem ist immer noch nicht gelöst."),
    },
}

_SUBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "billing": {
        "en": (
            "Payment failed, how do I update my card?",
            "Question about my invoice",
            "Can we switch to annual billing?",
            "VAT ID missing on invoice",
        ),
        "de": (
            "Zahlung fehlgeschlagen, wie ändere ich meine Karte?",
            "Frage zur Rechnung",
            "Umstellung auf jährliche Abrechnung?",
            "USt-IdNr. fehlt auf der Rechnung",
        ),
    },
    "bug": {
        "en": (
            "Dashboard not loading",
            "Sync error with HubSpot",
            "Export produces empty CSV",
            "Report shows wrong totals",
        ),
        "de": (
            "Dashboard lädt nicht",
            "Sync-Fehler mit HubSpot",
            "Export liefert leere CSV",
            "Bericht zeigt falsche Summen",
        ),
    },
    "how_to": {
        "en": (
            "How do I schedule a report?",
            "How to invite my team?",
            "Connecting Google Sheets",
            "Setting up a custom metric",
        ),
        "de": (
            "Wie plane ich einen Bericht?",
            "Wie lade ich mein Team ein?",
            "Google Sheets verbinden",
            "Eigene Kennzahl einrichten",
        ),
    },
    "feature_request": {
        "en": (
            "Feature request: Salesforce connector",
            "Feature request: dark mode",
            "Can you add SSO?",
        ),
        "de": ("Wunsch: Salesforce-Anbindung", "Wunsch: Dark Mode", "Könnt ihr SSO anbieten?"),
    },
    "account": {
        "en": ("Change account owner", "Delete a user", "Reset two-factor authentication"),
        "de": (
            "Kontoinhaber ändern",
            "Nutzer löschen",
            "Zwei-Faktor-Authentifizierung zurücksetzen",
        ),
    },
}


def _lang(locale: str) -> str:
    return "de" if locale.startswith("de") else "en"


def cancel_comment(reason: str, locale: str, rnd: random.Random) -> str:
    """A cancellation comment for ``reason`` in the customer's language."""
    return rnd.choice(_CANCEL[reason][_lang(locale)])


def nps_comment(score: int, locale: str, rnd: random.Random) -> str:
    """An NPS comment matching ``score`` (0-10)."""
    bucket = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
    return rnd.choice(_NPS[bucket][_lang(locale)])


def csat_comment(score: int, locale: str, rnd: random.Random) -> str:
    """A CSAT comment matching ``score`` (1-5)."""
    return rnd.choice(_CSAT["good" if score >= 4 else "bad"][_lang(locale)])


def ticket_subject(category: str, locale: str, rnd: random.Random) -> str:
    """A support ticket subject of ``category`` in the customer's language."""
    return rnd.choice(_SUBJECTS[category][_lang(locale)])
