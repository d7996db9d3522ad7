"""The demo company's price book: products, prices, coupons and VAT rates.

Plans are Free, Starter, Pro and Business; Pro and Business are billed per seat.
Every plan has a monthly and an annual price (annual = 10 x monthly) in usd, eur and
gbp. A one-time "Onboarding package" is sold to some Business customers as an invoice
item. Coupons cover percent and amount discounts with every Stripe duration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tenure.demo._ids import IdFactory

__all__ = [
    "COUPON_SPECS",
    "CURRENCIES",
    "INTERVALS",
    "PER_SEAT",
    "PLANS",
    "VAT_RATES",
    "Catalog",
    "CouponSpec",
    "Price",
    "build_catalog",
]

JSON = dict[str, Any]

PLANS = ("free", "starter", "pro", "business")
PLAN_NAMES = {"free": "Free", "starter": "Starter", "pro": "Pro", "business": "Business"}
PER_SEAT = frozenset({"pro", "business"})
INTERVALS = ("month", "year")
CURRENCIES = ("usd", "eur", "gbp")

_MONTHLY: dict[str, dict[str, int]] = {
    "usd": {"free": 0, "starter": 2900, "pro": 1500, "business": 3500},
    "eur": {"free": 0, "starter": 2900, "pro": 1500, "business": 3500},
    "gbp": {"free": 0, "starter": 2500, "pro": 1300, "business": 3000},
}
_ONBOARDING = {"usd": 150000, "eur": 140000, "gbp": 120000}

VAT_RATES: dict[str, float] = {
    "DE": 19.0,
    "AT": 20.0,
    "FR": 20.0,
    "NL": 21.0,
    "ES": 21.0,
    "IE": 23.0,
    "GB": 20.0,
}
"""VAT charged to customers without a VAT id, by country (others are reverse charge)."""


@dataclass(frozen=True)
class CouponSpec:
    """A coupon of the price book, before it gets its random Stripe id."""

    code: str
    name: str
    duration: str
    percent_off: float | None = None
    amount_off: int | None = None
    currency: str | None = None
    duration_in_months: int | None = None


COUPON_SPECS: tuple[CouponSpec, ...] = (
    CouponSpec("WELCOME20", "Welcome 20% (3 months)", "repeating", 20.0, duration_in_months=3),
    CouponSpec("LAUNCH30", "Launch 30% (6 months)", "repeating", 30.0, duration_in_months=6),
    CouponSpec("PARTNER15", "Partner 15% forever", "forever", 15.0),
    CouponSpec("FRIEND10", "Referral 10% first invoice", "once", 10.0),
    CouponSpec("SAVE50", "Retention offer 50% (3 months)", "repeating", 50.0, duration_in_months=3),
    CouponSpec("USD25", "$25 off first invoice", "once", amount_off=2500, currency="usd"),
    CouponSpec("EUR25", "25 EUR off first invoice", "once", amount_off=2500, currency="eur"),
    CouponSpec("GBP20", "20 GBP off first invoice", "once", amount_off=2000, currency="gbp"),
)


@dataclass(frozen=True)
class Price:
    """A price with its Stripe representations (shared, never mutated)."""

    id: str
    product: str
    plan: str
    interval: str | None
    currency: str
    unit_amount: int
    obj: JSON
    plan_obj: JSON | None


@dataclass
class Catalog:
    """Products, prices, coupons and tax rates of the demo company."""

    products: list[JSON]
    prices: dict[tuple[str, str, str], Price]
    onboarding: dict[str, Price]
    coupon_ids: dict[str, str]
    coupon_created: int
    tax_rate_ids: dict[str, str]
    redemptions: dict[str, int] = field(default_factory=dict)

    def price(self, plan: str, interval: str, currency: str) -> Price:
        """Return the recurring price of ``plan`` billed every ``interval`` in ``currency``."""
        return self.prices[(plan, interval, currency)]

    def all_prices(self) -> list[Price]:
        """Every price, recurring first, in a stable order."""
        return [*self.prices.values(), *self.onboarding.values()]

    def redeem(self, code: str) -> JSON:
        """Count a redemption of coupon ``code``; return the coupon as it is now."""
        self.redemptions[code] = self.redemptions.get(code, 0) + 1
        return self.coupon(code)

    def coupon(self, code: str) -> JSON:
        """The Stripe coupon object of ``code``, with ``times_redeemed`` so far."""
        spec = next(s for s in COUPON_SPECS if s.code == code)
        return coupon_object(
            spec,
            self.coupon_ids[code],
            self.coupon_created,
            times_redeemed=self.redemptions.get(code, 0),
        )

    def coupon_objects(self) -> list[JSON]:
        """Every Stripe coupon object, with ``times_redeemed`` so far."""
        return [self.coupon(spec.code) for spec in COUPON_SPECS]


def coupon_object(spec: CouponSpec, coupon_id: str, created: int, *, times_redeemed: int) -> JSON:
    """Return the Stripe ``coupon`` object of ``spec``."""
    return {
        "id": coupon_id,
        "object": "coupon",
        "amount_off": spec.amount_off,
        "created": created,
        "currency": spec.currency,
        "duration": spec.duration,
        "duration_in_months": spec.duration_in_months,
        "livemode": False,
        "max_redemptions": None,
        "metadata": {"code": spec.code},
        "name": spec.name,
        "percent_off": spec.percent_off,
        "redeem_by": None,
        "times_redeemed": times_redeemed,
        "valid": True,
    }


def _price_objects(
    price_id: str,
    product_id: str,
    *,
    plan: str,
    interval: str | None,
    currency: str,
    amount: int,
    created: int,
) -> tuple[JSON, JSON | None]:
    label = PLAN_NAMES.get(plan, "Onboarding package")
    if interval is None:
        nickname = f"{label} ({currency.upper()})"
        lookup = f"onboarding_{currency}"
    else:
        nickname = f"{label} {'monthly' if interval == 'month' else 'annual'} ({currency.upper()})"
        lookup = f"{plan}_{interval}ly_{currency}"
    recurring = (
        None
        if interval is None
        else {
            "interval": interval,
            "interval_count": 1,
            "meter": None,
            "trial_period_days": None,
            "usage_type": "licensed",
        }
    )
    price: JSON = {
        "id": price_id,
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "created": created,
        "currency": currency,
        "custom_unit_amount": None,
        "livemode": False,
        "lookup_key": lookup,
        "metadata": {},
        "nickname": nickname,
        "product": product_id,
        "recurring": recurring,
        "tax_behavior": "exclusive",
        "tiers_mode": None,
        "transform_quantity": None,
        "type": "one_time" if interval is None else "recurring",
        "unit_amount": amount,
        "unit_amount_decimal": str(amount),
    }
    if interval is None:
        return price, None
    legacy_plan: JSON = {
        "id": price_id,
        "object": "plan",
        "active": True,
        "aggregate_usage": None,
        "amount": amount,
        "amount_decimal": str(amount),
        "billing_scheme": "per_unit",
        "created": created,
        "currency": currency,
        "interval": interval,
        "interval_count": 1,
        "livemode": False,
        "metadata": {},
        "meter": None,
        "nickname": nickname,
        "product": product_id,
        "tiers_mode": None,
        "transform_usage": None,
        "trial_period_days": None,
        "usage_type": "licensed",
    }
    return price, legacy_plan


def _product(
    product_id: str,
    name: str,
    *,
    created: int,
    metadata: dict[str, str],
    description: str,
    unit_label: str | None,
) -> JSON:
    return {
        "id": product_id,
        "object": "product",
        "active": True,
        "created": created,
        "default_price": None,
        "description": description,
        "images": [],
        "livemode": False,
        "marketing_features": [],
        "metadata": metadata,
        "name": name,
        "package_dimensions": None,
        "shippable": None,
        "statement_descriptor": None,
        "tax_code": "txcd_10103001",
        "type": "service",
        "unit_label": unit_label,
        "updated": created,
        "url": None,
    }


_DESCRIPTIONS = {
    "free": "Reporting basics for one person.",
    "starter": "Dashboards and scheduled reports for small teams.",
    "pro": "Unlimited reports, integrations and exports, billed per seat.",
    "business": "SSO, audit log and priority support, billed per seat.",
}


def build_catalog(ids: IdFactory, *, created: int) -> Catalog:
    """Create the price book; every object is created at ``created`` (the world's start)."""
    products: list[JSON] = []
    prices: dict[tuple[str, str, str], Price] = {}
    for plan in PLANS:
        product_id = ids.short("prod")
        product = _product(
            product_id,
            PLAN_NAMES[plan],
            created=created,
            metadata={"plan": plan},
            description=_DESCRIPTIONS[plan],
            unit_label="seat" if plan in PER_SEAT else None,
        )
        for interval in INTERVALS:
            for currency in CURRENCIES:
                amount = _MONTHLY[currency][plan] * (10 if interval == "year" else 1)
                price_id = ids.long("price")
                obj, legacy = _price_objects(
                    price_id,
                    product_id,
                    plan=plan,
                    interval=interval,
                    currency=currency,
                    amount=amount,
                    created=created,
                )
                prices[(plan, interval, currency)] = Price(
                    price_id, product_id, plan, interval, currency, amount, obj, legacy
                )
        product["default_price"] = prices[(plan, "month", "usd")].id
        products.append(product)
    onboarding_product = ids.short("prod")
    onboarding: dict[str, Price] = {}
    for currency in CURRENCIES:
        price_id = ids.long("price")
        obj, _ = _price_objects(
            price_id,
            onboarding_product,
            plan="onboarding",
            interval=None,
            currency=currency,
            amount=_ONBOARDING[currency],
            created=created,
        )
        onboarding[currency] = Price(
            price_id,
            onboarding_product,
            "onboarding",
            None,
            currency,
            _ONBOARDING[currency],
            obj,
            None,
        )
    product = _product(
        onboarding_product,
        "Onboarding package",
        created=created,
        metadata={"kind": "one_time_service"},
        description="Guided setup and training, billed once.",
        unit_label=None,
    )
    product["default_price"] = onboarding["usd"].id
    products.append(product)
    coupon_ids = {spec.code: ids.coupon() for spec in COUPON_SPECS}
    tax_rate_ids = {country: ids.long("txr") for country in VAT_RATES}
    return Catalog(products, prices, onboarding, coupon_ids, created, tax_rate_ids)
