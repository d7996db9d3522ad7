"""A synthetic B2B SaaS world with known ground truth, written as source files.

:func:`generate` writes Stripe exports, Segment messages and flat tables in the layout
Tenure ingests, so demo data goes through ``ingest`` like real data::

    OUT/manifest.json                        what was written; rows ingestion should yield
    OUT/stripe/*.jsonl                       customers, products, prices, coupons,
                                             subscriptions, invoices, charges, events
    OUT/segment/events.jsonl                 identify, track, page and group messages
    OUT/tables/feedback.csv                  NPS, CSAT and cancel-flow answers
    OUT/tables/support_tickets.csv
    OUT/tables/fx_rates.csv                  eur and gbp into usd, monthly
    OUT/ground_truth/churn_drivers.parquet       each customer's latent drivers and outcomes

The ground truth (true monthly churn hazard, true cancel reason, whether a discount
would have saved the customer, engagement, activation, ...) is documented column by
column in ``tenure.demo._ground_truth``; churn, upgrades, usage, tickets and survey
answers in the source files are all driven by it.
"""

from __future__ import annotations

from tenure.demo._generate import generate
from tenure.demo._manifest import DemoManifest

__all__ = ["DemoManifest", "generate"]

for _name in __all__:
    globals()[_name].__module__ = "tenure.demo"
