"""Simulate each customer from sign-up to the world's end.

A customer gets a Stripe customer object and a first subscription (see
``_subscription`` for what happens inside one). When it ends, the customer may come
back months later with a new subscription: budget-driven leavers often do, others
rarely. Each customer uses its own ``random.Random`` seeded from the world seed, so
the simulation is reproducible and customers are independent of each other.
"""

from __future__ import annotations

import random
from typing import Any

from tenure.demo._activity import NO_TIME, Activity
from tenure.demo._billing import Biller
from tenure.demo._calendar import DAY
from tenure.demo._catalog import VAT_RATES, Catalog
from tenure.demo._ids import IdFactory
from tenure.demo._ledger import Ledger
from tenure.demo._population import Population
from tenure.demo._state import Card, CustomerState
from tenure.demo._stripe_objects import customer_object
from tenure.demo._subscription import SubscriptionRun

__all__ = ["Simulator"]

_COLUMNS = (
    "signup_ts",
    "country",
    "currency",
    "locale",
    "timezone",
    "channel",
    "company_size",
    "industry",
    "seats_potential",
    "initial_seats",
    "engagement",
    "price_sensitivity",
    "initial_plan",
    "annual",
    "trial",
    "trial_converts",
    "trial_fallback",
    "upgrade_rate",
    "hazard",
    "true_reason",
    "discount_would_save",
    "discount_seeker",
    "signup_coupon",
    "vat_charged",
    "payment_failure_prob",
    "card_brand",
    "card_funding",
    "card_last4",
    "card_exp_month",
    "card_exp_year",
)
_COMEBACK = {"voluntary": 0.1, "involuntary": 0.15, "trial_expired": 0.05, "free_canceled": 0.05}


class Simulator:
    """Run the lifecycle of every customer, writing Stripe objects to a ledger.

    Parameters
    ----------
    pop
        The customers and their latent drivers.
    catalog
        The price book.
    ids
        Id factory shared by every Stripe object.
    ledger
        Where Stripe objects go.
    end_ts
        Exclusive end of the world (unix seconds).
    seeds
        One seed per customer for its private generator.
    """

    def __init__(
        self,
        pop: Population,
        *,
        catalog: Catalog,
        ids: IdFactory,
        ledger: Ledger,
        end_ts: int,
        seeds: list[int],
    ) -> None:
        self.pop = pop
        self.catalog = catalog
        self.ids = ids
        self.ledger = ledger
        self.end = end_ts
        self.seeds = seeds
        self.biller = Biller(ids=ids, ledger=ledger, end_ts=end_ts)
        self.activity = Activity(pop.n)
        self.customer_ids: list[str] = []
        self.user_ids: list[str] = []
        self._cols: dict[str, list[Any]] = {name: getattr(pop, name).tolist() for name in _COLUMNS}

    def col(self, name: str, i: int) -> Any:
        """Attribute ``name`` of customer ``i`` as a plain Python value."""
        return self._cols[name][i]

    def first_paid(self, i: int, at: int) -> bool:
        """Note that customer ``i`` pays from ``at``; return whether it is the first time."""
        if self.activity.first_paid_at[i] != NO_TIME:
            return False
        self.activity.first_paid_at[i] = at
        return True

    def run_customer(self, i: int) -> None:
        """Simulate customer ``i`` from sign-up to the world's end."""
        rnd = random.Random(self.seeds[i])
        cust = self._customer(i)
        self.customer_ids.append(cust.id)
        self.user_ids.append(cust.metadata["user_id"])
        self.ledger.event("customer.created", cust.created, customer_object(cust, delinquent=False))
        plan = str(self.col("initial_plan", i))
        interval = "year" if self.col("annual", i) else "month"
        trial = bool(self.col("trial", i))
        start = cust.created
        for n_sub in range(3):
            run = SubscriptionRun(
                self,
                cust,
                rnd,
                start=start,
                plan=plan,
                interval=interval,
                trial=trial,
                first=n_sub == 0,
            )
            ended = run.play()
            self.activity.subscriptions[i] += 1
            if n_sub:
                self.activity.reactivated[i] = True
            if ended.at is None:
                break
            p_back = _COMEBACK.get(ended.kind, 0.0)
            if self.col("true_reason", i) == "temporary_budget" and ended.kind == "voluntary":
                p_back = 0.4
            if rnd.random() >= p_back:
                break
            start = ended.at + 20 * DAY + int(rnd.expovariate(1.0 / (100 * DAY)))
            if start >= self.end:
                break
            plan = ended.last_plan if ended.last_plan != "free" else "starter"
            trial = False
        self.ledger.write("customers", customer_object(cust))

    def _customer(self, i: int) -> CustomerState:
        country = str(self.col("country", i))
        rate = None
        if self.col("vat_charged", i):
            rate = (self.catalog.tax_rate_ids[country], VAT_RATES[country])
        card = Card(
            id=self.ids.long("pm"),
            brand=str(self.col("card_brand", i)),
            funding=str(self.col("card_funding", i)),
            last4=str(self.col("card_last4", i)),
            exp_month=int(self.col("card_exp_month", i)),
            exp_year=int(self.col("card_exp_year", i)),
            fingerprint=self.ids.hex(16),
            country=country,
        )
        pop = self.pop
        return CustomerState(
            index=i,
            id=self.ids.short("cus"),
            created=int(self.col("signup_ts", i)),
            email=pop.email[i],
            name=pop.company[i],
            currency=str(self.col("currency", i)),
            country=country,
            locale=str(self.col("locale", i)),
            metadata={
                "user_id": "u_" + self.ids.hex(12),
                "channel": str(self.col("channel", i)),
                "company_size": str(self.col("company_size", i)),
                "industry": str(self.col("industry", i)),
                "timezone": str(self.col("timezone", i)),
                "country": country,
            },
            invoice_prefix=self.ids.hex(8).upper(),
            card=card,
            tax_rate=rate,
        )
