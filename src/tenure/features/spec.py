"""The customer features: names, groups, types and what each one means.

The catalog is the contract between the feature builders (``customer.py``), the churn
model (which takes these columns) and the reasons (``tenure.models.explain``), and it is
the table in ``docs/features.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["FEATURES", "Feature", "feature_names"]

Group = Literal["account", "billing", "usage", "support", "sentiment", "payments"]
Kind = Literal["numeric", "boolean", "category"]


@dataclass(frozen=True)
class Feature:
    """One column of the feature frame."""

    name: str
    group: Group
    kind: Kind
    description: str

    @property
    def fill(self) -> float | bool | None:
        """The value where nothing happened: 0 for counts, False for flags, else null."""
        if self.kind == "boolean":
            return False
        if self.kind == "numeric" and self.name not in _UNKNOWN_WHEN_ABSENT:
            return 0.0
        return None


_UNKNOWN_WHEN_ABSENT = {
    "account_age_days",
    "mrr_change_pct_90d",
    "renewal_in_days",
    "usage_ratio_30d",
    "days_since_seen",
    "days_since_key_action",
    "csat_180d",
    "nps_last",
    "nps_change",
    "days_since_nps",
}


FEATURES: tuple[Feature, ...] = (
    Feature("account_age_days", "account", "numeric", "Days since the customer was created."),
    Feature("paying_days", "account", "numeric", "Days since the first paid day (MRR > 0)."),
    Feature("country", "account", "category", "Country of the customer."),
    Feature("channel", "account", "category", "Acquisition channel."),
    Feature("company_size", "account", "category", "Company size (trait)."),
    Feature("industry", "account", "category", "Industry (trait)."),
    Feature("mrr", "billing", "numeric", "MRR on the day before as_of, reporting currency."),
    Feature("plan", "billing", "category", "Plan of the largest subscription line."),
    Feature("billing_interval", "billing", "category", "month, year, ... of that line."),
    Feature("seats", "billing", "numeric", "Quantity on the current subscription lines."),
    Feature("discount_pct", "billing", "numeric", "Discount on the current lines, in %."),
    Feature("mrr_change_pct_90d", "billing", "numeric", "MRR change against 90 days ago, %."),
    Feature("upgrades_180d", "billing", "numeric", "MRR expansions in the last 180 days."),
    Feature("downgrades_180d", "billing", "numeric", "MRR contractions in the last 180 days."),
    Feature("renewal_in_days", "billing", "numeric", "Days until the current period ends."),
    Feature("on_trial", "billing", "boolean", "A subscription is in its trial."),
    Feature("cancel_pending", "billing", "boolean", "A cancellation is scheduled."),
    Feature("subscriptions", "billing", "numeric", "Subscriptions not ended."),
    Feature("events_7d", "usage", "numeric", "Product events in the last 7 days."),
    Feature("events_30d", "usage", "numeric", "Product events in the last 30 days."),
    Feature("events_90d", "usage", "numeric", "Product events in the last 90 days."),
    Feature("events_prev_30d", "usage", "numeric", "Product events 31-60 days ago."),
    Feature(
        "usage_ratio_30d", "usage", "numeric", "Events of the last 30 days / previous 30 days."
    ),
    Feature("active_days_30d", "usage", "numeric", "Days with any activity, last 30 days."),
    Feature("feature_breadth_30d", "usage", "numeric", "Distinct track events, last 30 days."),
    Feature("days_since_seen", "usage", "numeric", "Days since the last product event."),
    Feature("logins_30d", "usage", "numeric", "Logins in the last 30 days."),
    Feature("limit_hits_30d", "usage", "numeric", "Plan-limit events in the last 30 days."),
    Feature("invites_90d", "usage", "numeric", "Invites sent in the last 90 days."),
    Feature("key_action_done", "usage", "boolean", "The key action was ever done."),
    Feature("days_since_key_action", "usage", "numeric", "Days since the last key action."),
    Feature("key_actions_30d", "usage", "numeric", "Key actions in the last 30 days."),
    Feature("onboarding_steps", "usage", "numeric", "Distinct onboarding steps completed."),
    Feature("email_opens_30d", "usage", "numeric", "E-mails opened, last 30 days."),
    Feature("email_clicks_30d", "usage", "numeric", "E-mail links clicked, last 30 days."),
    Feature("tickets_90d", "support", "numeric", "Support tickets opened, last 90 days."),
    Feature("open_tickets", "support", "numeric", "Support tickets still open."),
    Feature("urgent_tickets_90d", "support", "numeric", "High/urgent tickets, last 90 days."),
    Feature("csat_180d", "support", "numeric", "Mean CSAT (1-5) of tickets, last 180 days."),
    Feature("nps_last", "sentiment", "numeric", "Latest NPS answer (0-10)."),
    Feature("nps_change", "sentiment", "numeric", "Latest NPS answer minus the one before."),
    Feature("days_since_nps", "sentiment", "numeric", "Days since the latest NPS answer."),
    Feature("failed_payments_30d", "payments", "numeric", "Failed charges, last 30 days."),
    Feature("failed_payments_90d", "payments", "numeric", "Failed charges, last 90 days."),
    Feature("last_payment_failed", "payments", "boolean", "The latest charge failed."),
    Feature("card_expiring_soon", "payments", "boolean", "The card on file expires soon."),
    Feature("open_invoices", "payments", "numeric", "Invoices finalised and not yet paid."),
)
"""Every feature, in frame order (after ``customer_id``)."""


def feature_names() -> list[str]:
    return [f.name for f in FEATURES]
