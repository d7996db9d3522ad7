"""Stripe API objects, in the pre-2025 and the 2025+ API shapes.

Reads ``customer``, ``product``, ``price`` (and legacy ``plan``), ``coupon``,
``subscription`` (with its items), ``subscription_item``, ``invoice`` (with its
lines), ``line_item``, ``charge`` and ``event`` objects, as JSON Lines or as
documents (``{"object": "list", "data": [...]}``, arrays, Stripe's
``{"resources": {...}}`` fixture file). The object type comes from each object's
``object`` field. An event's ``data.object`` is also read as a version of that
object at the event's ``created`` time.

Where the two API shapes differ, both paths are tried: invoice line
``subscription``/``price``/``type`` (old) and ``parent.subscription_item_details``
plus ``pricing.price_details.price`` (2025+); invoice ``subscription`` (old) and
``parent.subscription_details.subscription`` (2025+); subscription
``current_period_*`` (old) and the same fields on its items (2025+).
"""

from __future__ import annotations

import datetime as dt

from tenure.ingest._columns import Col, q, select_sql
from tenure.ingest.batch import Load
from tenure.schema import table_spec

__all__ = ["MODELLED_TYPES", "stripe_loads"]


def _id(*paths: str) -> str:
    """Text of an id field that may be an id string or an expanded object."""
    parts = [
        f"CASE WHEN starts_with(json_extract_string(o, {q(p)}), '{{') THEN "
        f"json_extract_string(json_extract_string(o, {q(p)}), '$.id') "
        f"ELSE json_extract_string(o, {q(p)}) END"
        for p in paths
    ]
    return parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})"


def _sum(*arrays: str) -> str:
    """Text of the sum of the ``amount`` of each element of the first array found."""
    sums = [
        f"list_sum(TRY_CAST(json_extract(json_extract(o, {q(a)}), '$[*].amount') AS BIGINT[]))"
        for a in arrays
    ]
    return f"CAST(coalesce({', '.join(sums)}, 0) AS VARCHAR)"


def _created(required: bool = True) -> Col:
    return Col("created_at", "unix", ("$.created",), required=required, not_future=True)


CUSTOMER = (
    Col("customer_id", paths=("$.id",), required=True),
    Col("email", paths=("$.email",)),
    Col("name", paths=("$.name",)),
    Col("country", paths=("$.address.country", "$.metadata.country", "$.shipping.address.country")),
    Col("timezone", paths=("$.metadata.timezone",)),
    Col("locale", paths=("$.preferred_locales[0]", "$.metadata.locale")),
    Col("currency", "currency", ("$.currency",)),
    Col("channel", paths=("$.metadata.channel",)),
    Col("user_id", paths=("$.metadata.user_id",)),
    Col("delinquent", "bool", ("$.delinquent",)),
    Col("traits", "json", ("$.metadata",)),
    _created(),
)

PRODUCT = (
    Col("product_id", paths=("$.id",), required=True),
    Col("name", paths=("$.name",)),
    Col("plan", paths=("$.metadata.plan",)),
    Col("active", "bool", ("$.active",)),
    Col("metadata", "json", ("$.metadata",)),
    _created(),
    Col("updated_at", "unix", ("$.updated",)),
)

_INTERVALS = ("day", "week", "month", "year")

PRICE = (
    Col("price_id", paths=("$.id",), required=True),
    Col("product_id", expr=_id("$.product")),
    Col("currency", "currency", ("$.currency",), required=True),
    Col("amount_minor", "money", ("$.unit_amount", "$.amount")),
    Col("interval", paths=("$.recurring.interval", "$.interval"), choices=_INTERVALS),
    Col("interval_count", "int", ("$.recurring.interval_count", "$.interval_count")),
    Col(
        "type",
        expr="coalesce(json_extract_string(o, '$.type'), CASE WHEN json_extract_string(o, "
        "'$.object') = 'plan' THEN 'recurring' END)",
        choices=("recurring", "one_time"),
    ),
    Col("usage_type", paths=("$.recurring.usage_type", "$.usage_type")),
    Col("billing_scheme", paths=("$.billing_scheme",)),
    Col(
        "is_free",
        "bool",
        expr="CAST(TRY_CAST(coalesce(json_extract_string(o, '$.unit_amount'), "
        "json_extract_string(o, '$.amount')) AS BIGINT) = 0 AS VARCHAR)",
    ),
    Col("nickname", paths=("$.nickname",)),
    Col("active", "bool", ("$.active",)),
    _created(),
)

COUPON = (
    Col("coupon_id", paths=("$.id",), required=True),
    Col("name", paths=("$.name",)),
    Col("percent_off", "float", ("$.percent_off",)),
    Col("amount_off_minor", "money", ("$.amount_off",)),
    Col("currency", "currency", ("$.currency",)),
    Col("duration", paths=("$.duration",), choices=("once", "repeating", "forever")),
    Col("duration_in_months", "int", ("$.duration_in_months",)),
    _created(),
)

_SUB_STATUSES = (
    "incomplete",
    "incomplete_expired",
    "trialing",
    "active",
    "past_due",
    "canceled",
    "unpaid",
    "paused",
)
_COUPON_OF_DISCOUNT = (
    "$.discount.coupon",
    "$.discounts[0].coupon",
    "$.discounts[0].source.coupon",
)

SUBSCRIPTION = (
    Col("subscription_id", paths=("$.id",), required=True),
    Col("customer_id", expr=_id("$.customer"), required=True),
    Col("status", paths=("$.status",), required=True, choices=_SUB_STATUSES),
    Col("currency", "currency", ("$.currency",)),
    _created(),
    Col("started_at", "unix", ("$.start_date",)),
    Col("trial_start_at", "unix", ("$.trial_start",)),
    Col("trial_end_at", "unix", ("$.trial_end",)),
    Col(
        "current_period_start_at",
        "unix",
        ("$.current_period_start", "$.items.data[0].current_period_start"),
    ),
    Col(
        "current_period_end_at",
        "unix",
        ("$.current_period_end", "$.items.data[0].current_period_end"),
    ),
    Col("cancel_at_period_end", "bool", ("$.cancel_at_period_end",)),
    Col("cancel_at", "unix", ("$.cancel_at",)),
    Col("canceled_at", "unix", ("$.canceled_at",)),
    Col("ended_at", "unix", ("$.ended_at",)),
    Col("cancellation_reason", paths=("$.cancellation_details.reason",)),
    Col("cancellation_feedback", paths=("$.cancellation_details.feedback",)),
    Col("cancellation_comment", paths=("$.cancellation_details.comment",)),
    Col("coupon_id", expr=_id(*_COUPON_OF_DISCOUNT)),
    Col("discount_start_at", "unix", ("$.discount.start", "$.discounts[0].start")),
    Col("discount_end_at", "unix", ("$.discount.end", "$.discounts[0].end")),
    Col("pause_behavior", paths=("$.pause_collection.behavior",)),
    Col("pause_resumes_at", "unix", ("$.pause_collection.resumes_at",)),
    Col("collection_method", paths=("$.collection_method",)),
    Col("metadata", "json", ("$.metadata",)),
)

SUBSCRIPTION_ITEM = (
    Col("subscription_item_id", paths=("$.id",), required=True),
    Col("subscription_id", paths=("$.subscription", "^$.id"), required=True),
    Col("price_id", expr=_id("$.price", "$.plan")),
    Col("product_id", expr=_id("$.price.product", "$.plan.product")),
    Col("quantity", "int", ("$.quantity",)),
    Col("current_period_start_at", "unix", ("$.current_period_start", "^$.current_period_start")),
    Col("current_period_end_at", "unix", ("$.current_period_end", "^$.current_period_end")),
    Col("created_at", "unix", ("$.created",)),
)

INVOICE = (
    Col("invoice_id", paths=("$.id",), required=True),
    Col("customer_id", expr=_id("$.customer"), required=True),
    Col(
        "subscription_id",
        expr=f"coalesce({_id('$.subscription')}, "
        "json_extract_string(o, '$.parent.subscription_details.subscription'))",
    ),
    Col("status", paths=("$.status",), choices=("draft", "open", "paid", "void", "uncollectible")),
    Col("currency", "currency", ("$.currency",), required=True),
    Col("billing_reason", paths=("$.billing_reason",)),
    Col("number", paths=("$.number",)),
    Col("subtotal_minor", "signed_money", ("$.subtotal",)),
    Col("discount_minor", "signed_money", expr=_sum("$.total_discount_amounts")),
    Col(
        "tax_minor",
        "signed_money",
        expr=f"coalesce(json_extract_string(o, '$.tax'), {_sum('$.total_taxes')})",
    ),
    Col("total_minor", "signed_money", ("$.total",)),
    Col("amount_due_minor", "money", ("$.amount_due",)),
    Col("amount_paid_minor", "money", ("$.amount_paid",)),
    Col("attempt_count", "int", ("$.attempt_count",)),
    Col("period_start_at", "unix", ("$.period_start",)),
    Col("period_end_at", "unix", ("$.period_end",)),
    Col("paid_at", "unix", ("$.status_transitions.paid_at",)),
    Col("voided_at", "unix", ("$.status_transitions.voided_at",)),
    _created(),
)

_LINE_SUB = "$.parent.subscription_item_details"
INVOICE_LINE = (
    Col("line_id", paths=("$.id",), required=True),
    Col("invoice_id", paths=("$.invoice", "^$.id"), required=True),
    Col(
        "subscription_id",
        expr=f"coalesce(json_extract_string(o, '{_LINE_SUB}.subscription'), "
        "json_extract_string(o, '$.parent.invoice_item_details.subscription'), "
        f"{_id('$.subscription')}, "
        "json_extract_string(p, '$.parent.subscription_details.subscription'), "
        "CASE WHEN starts_with(json_extract_string(p, '$.subscription'), '{') THEN "
        "json_extract_string(json_extract_string(p, '$.subscription'), '$.id') "
        "ELSE json_extract_string(p, '$.subscription') END)",
    ),
    Col(
        "subscription_item_id",
        expr=f"coalesce(json_extract_string(o, '{_LINE_SUB}.subscription_item'),"
        f" {_id('$.subscription_item')})",
    ),
    Col(
        "price_id",
        expr=f"coalesce(json_extract_string(o, '$.pricing.price_details.price'), "
        f"{_id('$.price', '$.plan')})",
    ),
    Col(
        "kind",
        expr="coalesce(json_extract_string(o, '$.type'), CASE json_extract_string(o, "
        "'$.parent.type') WHEN 'subscription_item_details' THEN 'subscription' WHEN "
        "'invoice_item_details' THEN 'invoiceitem' END)",
    ),
    Col("amount_minor", "signed_money", ("$.amount",), required=True),
    Col("currency", "currency", ("$.currency", "^$.currency")),
    Col("quantity", "int", ("$.quantity",)),
    Col("discount_minor", "signed_money", expr=_sum("$.discount_amounts")),
    Col("tax_minor", "signed_money", expr=_sum("$.taxes", "$.tax_amounts")),
    Col(
        "proration",
        "bool",
        (f"{_LINE_SUB}.proration", "$.parent.invoice_item_details.proration", "$.proration"),
    ),
    Col("period_start_at", "unix", ("$.period.start",)),
    Col("period_end_at", "unix", ("$.period.end",)),
    Col("description", paths=("$.description",)),
)

CHARGE = (
    Col("charge_id", paths=("$.id",), required=True),
    Col("customer_id", expr=_id("$.customer")),
    Col("invoice_id", expr=_id("$.invoice")),
    Col("amount_minor", "money", ("$.amount",), required=True),
    Col("amount_refunded_minor", "money", ("$.amount_refunded",)),
    Col("currency", "currency", ("$.currency",), required=True),
    Col("status", paths=("$.status",), required=True, choices=("succeeded", "pending", "failed")),
    Col("failure_code", paths=("$.failure_code",)),
    Col("failure_message", paths=("$.failure_message",)),
    Col("decline_code", paths=("$.outcome.reason",)),
    Col("outcome_type", paths=("$.outcome.type",)),
    Col("card_brand", paths=("$.payment_method_details.card.brand",)),
    Col("card_exp_month", "int", ("$.payment_method_details.card.exp_month",)),
    Col("card_exp_year", "int", ("$.payment_method_details.card.exp_year",)),
    Col("card_last4", paths=("$.payment_method_details.card.last4",)),
    _created(),
)

EVENT = (
    Col("event_id", paths=("$.id",), required=True),
    Col("type", paths=("$.type",), required=True),
    Col("api_version", paths=("$.api_version",)),
    Col("object_type", paths=("$.data.object.object",)),
    Col("object_id", paths=("$.data.object.id",)),
    Col("previous_attributes", "json", ("$.data.previous_attributes",)),
    _created(),
)

MAPPINGS: dict[str, tuple[str, tuple[Col, ...], tuple[str, ...]]] = {
    "customer": ("customers", CUSTOMER, ("customer",)),
    "product": ("products", PRODUCT, ("product",)),
    "price": ("prices", PRICE, ("price", "plan")),
    "coupon": ("coupons", COUPON, ("coupon",)),
    "subscription": ("subscriptions", SUBSCRIPTION, ("subscription",)),
    "invoice": ("invoices", INVOICE, ("invoice",)),
    "charge": ("payments", CHARGE, ("charge",)),
}
MODELLED_TYPES = (
    "customer",
    "product",
    "price",
    "plan",
    "coupon",
    "subscription",
    "subscription_item",
    "invoice",
    "line_item",
    "charge",
    "event",
)

_READ = ", ".join(MODELLED_TYPES)

_OBJECTS = """
CREATE TEMP VIEW _objects AS
SELECT _line, _path, o, _lenient OR _deleted AS _lenient,
    CASE WHEN _deleted THEN 'deleted' ELSE _otype END AS _otype,
    CAST(NULL AS TIMESTAMPTZ) AS _event_at, CAST(NULL AS VARCHAR) AS _event_id,
    FALSE AS _from_event
FROM (SELECT *, contains(o, '"deleted"') AND coalesce(
        json_extract_string(o, '$.deleted') = 'true', FALSE) AS _deleted FROM _stage)
UNION ALL
SELECT _line, coalesce(_path || '.', '') || 'data.object', data, TRUE,
    json_extract_string(data, '$.object'),
    to_timestamp(TRY_CAST(json_extract_string(o, '$.created') AS BIGINT)),
    json_extract_string(o, '$.id'), TRUE
FROM (SELECT *, CAST(json_extract(o, '$.data.object') AS VARCHAR) AS data FROM _stage
      WHERE _otype = 'event')
WHERE json_type(data) = 'OBJECT'
"""


def _children(parent_type: str, list_path: str, child_type: str) -> str:
    return f"""(
    SELECT _line, coalesce(_path || '.', '') || '{list_path.strip("$.").replace("[*]", "")}[' ||
        (i - 1) || ']' AS _path, CAST(e AS VARCHAR) AS o, o AS p, _event_at, _event_id
    FROM _objects, unnest(json_extract(o, '{list_path}')) WITH ORDINALITY AS t(e, i)
    WHERE _otype = '{parent_type}'
    UNION ALL
    SELECT _line, _path, o, NULL AS p, _event_at, _event_id
    FROM _objects WHERE _otype = '{child_type}'
)"""


def stripe_loads(
    *, future_limit: dt.datetime, now: dt.datetime
) -> tuple[tuple[str, ...], tuple[Load, ...]]:
    """Statements that derive ``_objects`` from ``_stage``, and one load per table."""
    loads: list[Load] = []
    for table, cols, otypes in MAPPINGS.values():
        spec = table_spec(table)
        where = "_otype IN (" + ", ".join(q(t) for t in otypes) + ")"
        loads.append(
            Load(
                spec,
                select_sql(
                    cols,
                    "_objects",
                    future_limit=future_limit,
                    where=where,
                    snapshot_at=now,
                ),
                object_types=otypes,
            )
        )
    for table, cols, parent, path, child in (
        (
            "subscription_items",
            SUBSCRIPTION_ITEM,
            "subscription",
            "$.items.data[*]",
            "subscription_item",
        ),
        ("invoice_lines", INVOICE_LINE, "invoice", "$.lines.data[*]", "line_item"),
    ):
        spec = table_spec(table)
        loads.append(
            Load(
                spec,
                select_sql(
                    cols,
                    _children(parent, path, child),
                    future_limit=future_limit,
                    has_parent=True,
                    snapshot_at=now,
                ),
                object_types=(parent, child),
            )
        )
    spec = table_spec("stripe_events")
    loads.append(
        Load(
            spec,
            select_sql(
                EVENT,
                "_objects",
                future_limit=future_limit,
                where="_otype = 'event' AND NOT _from_event",
            ),
            object_types=("event",),
        )
    )
    known = ", ".join(q(t) for t in MODELLED_TYPES)
    loads.append(
        Load(
            None,
            f"""
SELECT _line, _path, 'object' AS _field,
    CASE WHEN _otype IS NULL
        THEN 'field ''object'' is missing: every Stripe object names its type'
        ELSE 'object type ''' || _otype || ''' is not one Tenure reads ({_READ})'
    END AS _reason, left(o, 2000) AS _record
FROM _objects WHERE (_otype IS NULL OR _otype NOT IN ({known})) AND NOT _lenient
""",
            object_types=(OTHER,),
        )
    )
    skipped = (
        "SELECT count(*) FROM _objects WHERE _lenient AND NOT _from_event "
        f"AND (_otype IS NULL OR _otype NOT IN ({known}))"
    )
    return (_OBJECTS,), (*loads, Load(None, skipped, kind="skipped", object_types=(OTHER,)))


OTHER = "*other*"
"""Stands for every object type Tenure does not read (and a missing type)."""
TYPES_SQL = (
    f"SELECT DISTINCT CASE WHEN _otype IN ({', '.join(q(t) for t in MODELLED_TYPES)}) "
    f"THEN _otype ELSE '{OTHER}' END FROM _objects"
)
