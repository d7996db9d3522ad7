"""The canonical data model: every warehouse table, its columns, key and grain.

Each :class:`TableSpec` is the contract ingestion validates against and the store
creates. Money is an integer ``*_minor`` column plus ``currency``; timestamps are
UTC and end in ``_at``; dates end in ``_on``. ``docs/data-model.md`` documents
every column.

Versioned tables keep every distinct version of an object (``<name>_versions``)
and expose the latest one per key as the view ``<name>``; append-only tables
(``events``) keep one row per key.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TABLES", "Column", "TableSpec", "table_spec"]


@dataclass(frozen=True)
class Column:
    """A column of a canonical table."""

    name: str
    type: str
    """DuckDB SQL type (portable through Ibis)."""
    doc: str
    required: bool = False


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: columns, key (the grain) and whether versions are kept."""

    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    versioned: bool = True

    @property
    def grain(self) -> tuple[str, ...]:
        """The columns that identify one row of the current table."""
        return self.key

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def storage_name(self) -> str:
        """The physical table: ``<name>_versions`` when versioned."""
        return f"{self.name}_versions" if self.versioned else self.name

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _c(name: str, type_: str, doc: str, *, required: bool = False) -> Column:
    return Column(name, type_, doc, required)


_TS = "TIMESTAMPTZ"

CUSTOMERS = TableSpec(
    "customers",
    "One row per paying or free customer (account).",
    (
        _c("customer_id", "VARCHAR", "Billing-system id (Stripe `cus_...`).", required=True),
        _c("email", "VARCHAR", "Billing e-mail."),
        _c("name", "VARCHAR", "Customer (company) name."),
        _c("country", "VARCHAR", "ISO 3166-1 alpha-2 country."),
        _c("timezone", "VARCHAR", "IANA time zone, e.g. `Europe/Berlin`."),
        _c("locale", "VARCHAR", "Preferred locale, e.g. `en` or `de`."),
        _c("currency", "VARCHAR", "Default billing currency (ISO 4217, upper case)."),
        _c("channel", "VARCHAR", "Acquisition channel (trait)."),
        _c("user_id", "VARCHAR", "The product's user id of the account owner."),
        _c("delinquent", "BOOLEAN", "Stripe's flag: the latest invoice is unpaid."),
        _c("traits", "JSON", "All other traits (Stripe `metadata`)."),
        _c("created_at", _TS, "When the customer was created.", required=True),
    ),
    key=("customer_id",),
)

PRODUCTS = TableSpec(
    "products",
    "Products (plans) sold.",
    (
        _c("product_id", "VARCHAR", "Stripe `prod_...`.", required=True),
        _c("name", "VARCHAR", "Display name."),
        _c("plan", "VARCHAR", "Plan family from `metadata.plan` (e.g. `pro`), if set."),
        _c("active", "BOOLEAN", "Still sold."),
        _c("metadata", "JSON", "Stripe metadata."),
        _c("created_at", _TS, "Creation time.", required=True),
        _c("updated_at", _TS, "Last update."),
    ),
    key=("product_id",),
)

PRICES = TableSpec(
    "prices",
    "Prices of products (Stripe prices, and legacy plans).",
    (
        _c("price_id", "VARCHAR", "Stripe `price_...` (or plan id).", required=True),
        _c("product_id", "VARCHAR", "The product priced."),
        _c("currency", "VARCHAR", "ISO 4217, upper case.", required=True),
        _c("amount_minor", "BIGINT", "Unit amount in minor units (cents)."),
        _c("interval", "VARCHAR", "`day`, `week`, `month` or `year`; null for one-time."),
        _c("interval_count", "INTEGER", "Intervals per billing period (e.g. 3 months)."),
        _c("type", "VARCHAR", "`recurring` or `one_time`."),
        _c("usage_type", "VARCHAR", "`licensed` or `metered`."),
        _c("billing_scheme", "VARCHAR", "`per_unit` or `tiered`."),
        _c("is_free", "BOOLEAN", "True when the unit amount is zero."),
        _c("nickname", "VARCHAR", "Internal name."),
        _c("active", "BOOLEAN", "Still offered."),
        _c("created_at", _TS, "Creation time.", required=True),
    ),
    key=("price_id",),
)

COUPONS = TableSpec(
    "coupons",
    "Discount definitions.",
    (
        _c("coupon_id", "VARCHAR", "Coupon id.", required=True),
        _c("name", "VARCHAR", "Display name."),
        _c("percent_off", "DOUBLE", "Percentage off (0-100), or null."),
        _c("amount_off_minor", "BIGINT", "Fixed amount off in minor units, or null."),
        _c("currency", "VARCHAR", "Currency of `amount_off_minor`."),
        _c("duration", "VARCHAR", "`once`, `repeating` or `forever`."),
        _c("duration_in_months", "INTEGER", "Months a `repeating` coupon lasts."),
        _c("created_at", _TS, "Creation time.", required=True),
    ),
    key=("coupon_id",),
)

SUBSCRIPTIONS = TableSpec(
    "subscriptions",
    "Subscriptions and their state; history of versions in `subscriptions_versions`.",
    (
        _c("subscription_id", "VARCHAR", "Stripe `sub_...`.", required=True),
        _c("customer_id", "VARCHAR", "Owner.", required=True),
        _c(
            "status",
            "VARCHAR",
            "trialing, active, past_due, paused, canceled, unpaid, "
            "incomplete or incomplete_expired.",
            required=True,
        ),
        _c("currency", "VARCHAR", "ISO 4217, upper case."),
        _c("created_at", _TS, "Creation time.", required=True),
        _c("started_at", _TS, "Start date."),
        _c("trial_start_at", _TS, "Trial start."),
        _c("trial_end_at", _TS, "Trial end."),
        _c("current_period_start_at", _TS, "Current period start (subscription or first item)."),
        _c("current_period_end_at", _TS, "Current period end."),
        _c("cancel_at_period_end", "BOOLEAN", "Cancels when the current period ends."),
        _c("cancel_at", _TS, "Scheduled cancellation time."),
        _c("canceled_at", _TS, "When cancellation was requested."),
        _c("ended_at", _TS, "When the subscription ended."),
        _c("cancellation_reason", "VARCHAR", "Stripe `cancellation_details.reason`."),
        _c("cancellation_feedback", "VARCHAR", "Stripe `cancellation_details.feedback`."),
        _c("cancellation_comment", "VARCHAR", "Free text the customer gave."),
        _c("coupon_id", "VARCHAR", "Coupon of the subscription's discount, if any."),
        _c("discount_start_at", _TS, "Discount start."),
        _c("discount_end_at", _TS, "Discount end (null for forever)."),
        _c("pause_behavior", "VARCHAR", "`pause_collection.behavior` when paused."),
        _c("pause_resumes_at", _TS, "When a pause ends."),
        _c("collection_method", "VARCHAR", "`charge_automatically` or `send_invoice`."),
        _c("metadata", "JSON", "Stripe metadata."),
    ),
    key=("subscription_id",),
)

SUBSCRIPTION_ITEMS = TableSpec(
    "subscription_items",
    "Items (price × quantity) of subscriptions.",
    (
        _c("subscription_item_id", "VARCHAR", "Stripe `si_...`.", required=True),
        _c("subscription_id", "VARCHAR", "Parent subscription.", required=True),
        _c("price_id", "VARCHAR", "Price billed."),
        _c("product_id", "VARCHAR", "Product of the price."),
        _c("quantity", "BIGINT", "Seats or units."),
        _c("current_period_start_at", _TS, "Item period start (2025+ API)."),
        _c("current_period_end_at", _TS, "Item period end (2025+ API)."),
        _c("created_at", _TS, "Creation time."),
    ),
    key=("subscription_item_id",),
)

INVOICES = TableSpec(
    "invoices",
    "Invoices; amounts exclude nothing unless named (`total_minor` includes tax).",
    (
        _c("invoice_id", "VARCHAR", "Stripe `in_...`.", required=True),
        _c("customer_id", "VARCHAR", "Billed customer.", required=True),
        _c("subscription_id", "VARCHAR", "Subscription billed, if any."),
        _c("status", "VARCHAR", "draft, open, paid, void or uncollectible."),
        _c("currency", "VARCHAR", "ISO 4217, upper case.", required=True),
        _c("billing_reason", "VARCHAR", "subscription_create, subscription_cycle, ..."),
        _c("number", "VARCHAR", "Invoice number."),
        _c("subtotal_minor", "BIGINT", "Sum of lines before discounts and tax."),
        _c("discount_minor", "BIGINT", "Total discounts."),
        _c("tax_minor", "BIGINT", "Total tax."),
        _c("total_minor", "BIGINT", "Total after discounts, with tax."),
        _c("amount_due_minor", "BIGINT", "Amount due."),
        _c("amount_paid_minor", "BIGINT", "Amount paid."),
        _c("attempt_count", "INTEGER", "Payment attempts so far."),
        _c("period_start_at", _TS, "Invoice period start."),
        _c("period_end_at", _TS, "Invoice period end."),
        _c("paid_at", _TS, "When it was paid."),
        _c("voided_at", _TS, "When it was voided."),
        _c("created_at", _TS, "Creation time.", required=True),
    ),
    key=("invoice_id",),
)

INVOICE_LINES = TableSpec(
    "invoice_lines",
    "Invoice lines with their service period (the basis of MRR).",
    (
        _c("line_id", "VARCHAR", "Stripe `il_...`.", required=True),
        _c("invoice_id", "VARCHAR", "Parent invoice.", required=True),
        _c("subscription_id", "VARCHAR", "Subscription billed, if any."),
        _c("subscription_item_id", "VARCHAR", "Subscription item billed, if any."),
        _c("price_id", "VARCHAR", "Price billed."),
        _c("kind", "VARCHAR", "`subscription` or `invoiceitem`."),
        _c(
            "amount_minor",
            "BIGINT",
            "Line amount before discounts, without tax; may be negative (proration credits).",
        ),
        _c("currency", "VARCHAR", "ISO 4217, upper case."),
        _c("quantity", "BIGINT", "Quantity billed."),
        _c("discount_minor", "BIGINT", "Discounts on this line."),
        _c("tax_minor", "BIGINT", "Tax on this line."),
        _c("proration", "BOOLEAN", "A proration line."),
        _c("period_start_at", _TS, "Service period start."),
        _c("period_end_at", _TS, "Service period end."),
        _c("description", "VARCHAR", "Line text."),
    ),
    key=("line_id",),
)

PAYMENTS = TableSpec(
    "payments",
    "Payment attempts (Stripe charges), failed ones included.",
    (
        _c("charge_id", "VARCHAR", "Stripe `ch_...`.", required=True),
        _c("customer_id", "VARCHAR", "Paying customer."),
        _c("invoice_id", "VARCHAR", "Invoice paid, if any."),
        _c("amount_minor", "BIGINT", "Amount attempted."),
        _c("amount_refunded_minor", "BIGINT", "Amount refunded."),
        _c("currency", "VARCHAR", "ISO 4217, upper case.", required=True),
        _c("status", "VARCHAR", "succeeded, failed or pending.", required=True),
        _c("failure_code", "VARCHAR", "Stripe failure code."),
        _c("failure_message", "VARCHAR", "Stripe failure message."),
        _c("decline_code", "VARCHAR", "Issuer decline code (`outcome.reason`)."),
        _c("outcome_type", "VARCHAR", "authorized, issuer_declined, blocked, ..."),
        _c("card_brand", "VARCHAR", "visa, mastercard, ..."),
        _c("card_exp_month", "INTEGER", "Card expiry month."),
        _c("card_exp_year", "INTEGER", "Card expiry year."),
        _c("card_last4", "VARCHAR", "Last four digits."),
        _c("created_at", _TS, "Attempt time.", required=True),
    ),
    key=("charge_id",),
)

STRIPE_EVENTS = TableSpec(
    "stripe_events",
    "Stripe webhook events as received (the object versions go to their own tables).",
    (
        _c("event_id", "VARCHAR", "Stripe `evt_...`.", required=True),
        _c("type", "VARCHAR", "Event type, e.g. `customer.subscription.updated`.", required=True),
        _c("api_version", "VARCHAR", "API version of the payload."),
        _c("object_type", "VARCHAR", "Type of `data.object`."),
        _c("object_id", "VARCHAR", "Id of `data.object`."),
        _c("previous_attributes", "JSON", "Fields that changed, with old values."),
        _c("created_at", _TS, "When the event happened.", required=True),
    ),
    key=("event_id",),
    versioned=False,
)

EVENTS = TableSpec(
    "events",
    "Product events in the Segment spec (identify, track, page, screen, group, alias).",
    (
        _c("message_id", "VARCHAR", "Segment `messageId` (deduplication key).", required=True),
        _c("type", "VARCHAR", "identify, track, page, screen, group or alias.", required=True),
        _c("event", "VARCHAR", "Track event name."),
        _c("name", "VARCHAR", "Page or screen name."),
        _c("user_id", "VARCHAR", "Segment `userId`."),
        _c("anonymous_id", "VARCHAR", "Segment `anonymousId`."),
        _c(
            "customer_id",
            "VARCHAR",
            "Account: `context.groupId`, a group call's `groupId`, or `traits.customer_id`.",
        ),
        _c("properties", "JSON", "Track/page properties."),
        _c("traits", "JSON", "Identify/group traits."),
        _c("device_type", "VARCHAR", "`context.device.type`."),
        _c("os_name", "VARCHAR", "`context.os.name`."),
        _c("locale", "VARCHAR", "`context.locale`."),
        _c("timezone", "VARCHAR", "`context.timezone`."),
        _c("country", "VARCHAR", "`context.location.country`."),
        _c("page_path", "VARCHAR", "`context.page.path`."),
        _c("occurred_at", _TS, "Segment `timestamp`.", required=True),
    ),
    key=("message_id",),
    versioned=False,
)

FEEDBACK = TableSpec(
    "feedback",
    "Survey answers: NPS (0-10), CSAT (1-5), cancel reasons, free text.",
    (
        _c("feedback_id", "VARCHAR", "Unique id.", required=True),
        _c("customer_id", "VARCHAR", "Who answered.", required=True),
        _c("kind", "VARCHAR", "nps, csat, cancel_reason or survey.", required=True),
        _c("score", "INTEGER", "0-10 for NPS, 1-5 for CSAT."),
        _c("comment", "VARCHAR", "Free text."),
        _c("survey", "VARCHAR", "Survey name."),
        _c("cancel_reason", "VARCHAR", "Reason code for cancel surveys."),
        _c("locale", "VARCHAR", "Language of the answer."),
        _c("submitted_at", _TS, "When it was answered.", required=True),
    ),
    key=("feedback_id",),
)

SUPPORT_TICKETS = TableSpec(
    "support_tickets",
    "Support tickets.",
    (
        _c("ticket_id", "VARCHAR", "Unique id.", required=True),
        _c("customer_id", "VARCHAR", "Requester.", required=True),
        _c("status", "VARCHAR", "open, pending, solved or closed."),
        _c("priority", "VARCHAR", "low, normal, high or urgent."),
        _c("channel", "VARCHAR", "email, chat, phone, ..."),
        _c("subject", "VARCHAR", "Subject line."),
        _c("csat", "INTEGER", "Satisfaction 1-5 after closing."),
        _c("opened_at", _TS, "Opened.", required=True),
        _c("closed_at", _TS, "Closed, if so."),
    ),
    key=("ticket_id",),
)

FX_RATES = TableSpec(
    "fx_rates",
    "Exchange rates: 1 `currency` = `rate` `quote_currency`, valid from `rate_on`.",
    (
        _c("currency", "VARCHAR", "From currency.", required=True),
        _c("quote_currency", "VARCHAR", "To currency (usually the reporting one).", required=True),
        _c("rate_on", "DATE", "First day the rate applies.", required=True),
        _c("rate", "DOUBLE", "Units of quote currency per unit of currency.", required=True),
    ),
    key=("currency", "quote_currency", "rate_on"),
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        CUSTOMERS,
        PRODUCTS,
        PRICES,
        COUPONS,
        SUBSCRIPTIONS,
        SUBSCRIPTION_ITEMS,
        INVOICES,
        INVOICE_LINES,
        PAYMENTS,
        STRIPE_EVENTS,
        EVENTS,
        FEEDBACK,
        SUPPORT_TICKETS,
        FX_RATES,
    )
}
"""Every canonical table by name, in load order."""


def table_spec(name: str) -> TableSpec:
    """Return the spec of table ``name``.

    Raises
    ------
    KeyError
        With the list of known tables.
    """
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}") from None
