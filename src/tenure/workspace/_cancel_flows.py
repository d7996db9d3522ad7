"""Cancel flows on the workspace: start, answer the survey, accept or decline.

A flow is a row of ``cancel_flows`` in the operational store (docs/cancel-flow.md):

    started ──answer──▶ answered ──accept(offer)──▶ finished (saved | paused | downgraded)
                                 └─decline──────────▶ finished (canceled | saved)

Each step is one transaction; a step out of order raises
:class:`~tenure.errors.ConflictError` naming the flow's state and the step that comes
next. Accepting an offer enqueues the signed ``offer.accepted`` webhook
(``tenure.act.outbox``) in the same transaction when ``[webhooks] url`` is set;
``deliver_webhooks`` posts it, and ``cancel_flow_report`` measures the flows
(``_cancel_flow_report.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, select, update
from sqlalchemy.exc import SQLAlchemyError

from tenure.act.cancel_offers import Effect, Outcome, accepted_event, effect, outcome_of
from tenure.act.outbox import enqueue
from tenure.config import Offer, Settings
from tenure.decide.offers import OfferContext, decide_offers
from tenure.errors import (
    ConfigError,
    ConflictError,
    DataError,
    Location,
    NotFoundError,
    StoreError,
)
from tenure.store.operational import CancelFlowRow, OperationalStore
from tenure.workspace._cancel_flow_prices import downgrade_price

if TYPE_CHECKING:
    from tenure.clock import Clock
    from tenure.store import Warehouse

__all__ = ["LOCAL_TENANT", "CancelFlow", "CancelFlowsMixin"]

LOCAL_TENANT = "local"
"""The tenant id of flows recorded by a workspace used on its own (no deployment)."""
_FLOWS: Table = CancelFlowRow.__table__  # type: ignore[assignment]


def _update(con: Connection, flow_id: str, **values: Any) -> None:
    """Set columns of the flow ``flow_id`` (one UPDATE)."""
    con.execute(update(_FLOWS).where(_FLOWS.c.id == flow_id).values(**values))


def _finish(
    con: Connection,
    flow_id: str,
    now: dt.datetime,
    outcome: str,
    result: Effect,
    *,
    accepted_offer: str | None = None,
) -> None:
    """Record a flow's outcome with its MRR effect and discount cost (one UPDATE)."""
    _update(
        con,
        flow_id,
        status="finished",
        decided_at=now,
        finished_at=now,
        accepted_offer=accepted_offer,
        outcome=outcome,
        mrr_after=result.mrr_after,
        mrr_effect=result.mrr_effect,
        discount_cost=result.discount_cost,
    )


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


@dataclass(frozen=True)
class CancelFlow:
    """A cancel flow as stored (money in the reporting currency ``currency``)."""

    id: str
    customer_id: str
    status: str
    started_at: dt.datetime
    answered_at: dt.datetime | None
    decided_at: dt.datetime | None
    plan: str | None
    segments: tuple[str, ...]
    currency: str
    mrr_before: float
    reasons: tuple[str, ...]
    reason: str | None
    free_text: str | None
    control: bool | None
    offers: tuple[Offer, ...]
    decision: dict[str, Any] | None
    accepted_offer: str | None
    outcome: str | None
    mrr_after: float | None
    mrr_effect: float | None
    discount_cost: float | None
    webhook_queued: bool = False
    stripe_queued: bool = False


class CancelFlowsMixin:
    """Cancel-flow methods of :class:`~tenure.workspace.Workspace`."""

    _operational: OperationalStore | None = None
    _own_operational: bool = False
    _tenant_id: str = LOCAL_TENANT

    if TYPE_CHECKING:
        settings: Settings
        clock: Clock

        @property
        def warehouse(self) -> Warehouse: ...

        def customer_profile(
            self, customer_id: str, *, as_of: dt.date | None = None, timeline: int = 50
        ) -> dict[str, Any]: ...

        def flow_uplift(self, customer_id: str) -> float | None: ...

        def flow_accept_probability(self, customer_id: str) -> float | None: ...

        def _enqueue_stripe(
            self, con: Connection, row: Any, offer: Offer, now: dt.datetime
        ) -> bool: ...

    # -- the operational store -----------------------------------------------------------------

    def bind_operational(self, store: OperationalStore, tenant_id: str) -> None:
        """Record this workspace's cancel flows in ``store`` as ``tenant_id`` (a deployment's)."""
        self._operational, self._own_operational, self._tenant_id = store, False, tenant_id

    @property
    def operational(self) -> OperationalStore:
        """The operational store: the deployment's, or ``[store] url`` opened (and upgraded)."""
        if self._operational is None:
            store = OperationalStore(self.settings.store_url(), clock=self.clock)
            store.upgrade()
            self._operational, self._own_operational = store, True
        return self._operational

    def _close_operational(self) -> None:
        if self._operational is not None and self._own_operational:
            self._operational.close()
            self._operational = None

    @contextmanager
    def _flow_tx(self, action: str) -> Iterator[Connection]:
        try:
            with self.operational.engine.begin() as con:
                yield con
        except SQLAlchemyError as exc:
            raise StoreError(f"the operational store failed to {action}: {exc}") from exc

    def _offer(self, name: str) -> Offer:
        for offer in self.settings.offers.catalog:
            if offer.name == name:
                return offer
        raise ConfigError(
            f"the offer {name!r} is not in the [offers] catalog "
            f"({', '.join(o.name for o in self.settings.offers.catalog)})",
            location=Location(field="offers.catalog"),
        )

    def _flow(self, row: Any, *, queued: bool = False) -> CancelFlow:
        names = tuple(row.offers or ())
        return CancelFlow(
            id=row.id,
            customer_id=row.customer_id,
            status=row.status,
            started_at=_utc(row.started_at) or row.started_at,
            answered_at=_utc(row.answered_at),
            decided_at=_utc(row.decided_at),
            plan=row.plan,
            segments=tuple(row.segments or ()),
            currency=row.currency,
            mrr_before=row.mrr_before,
            reasons=self.settings.offers.reasons,
            reason=row.reason,
            free_text=row.free_text,
            control=row.control,
            offers=tuple(self._offer(n) for n in names),
            decision=row.decision,
            accepted_offer=row.accepted_offer,
            outcome=row.outcome,
            mrr_after=row.mrr_after,
            mrr_effect=row.mrr_effect,
            discount_cost=row.discount_cost,
            webhook_queued=queued,
        )

    def _locked(self, con: Connection, flow_id: str) -> Any:
        t = _FLOWS
        query = select(t).where(t.c.id == flow_id, t.c.tenant_id == self._tenant_id)
        if con.dialect.name == "postgresql":
            query = query.with_for_update()
        row = con.execute(query).first()
        if row is None:
            raise NotFoundError(f"there is no cancel flow {flow_id!r}")
        return row

    @staticmethod
    def _expect(row: Any, status: str, step: str) -> None:
        if row.status == status:
            return
        follows = {
            "started": "answer the survey (answer)",
            "answered": "accept an offer or decline (accept, decline)",
            "finished": "nothing: the flow is finished",
        }[row.status]
        raise ConflictError(
            f"cannot {step} cancel flow {row.id!r}: it is {row.status!r}, and what comes "
            f"next is {follows}",
            location=Location(field="status"),
        )

    # -- the flow ------------------------------------------------------------------------------

    def cancel_flow_start(self, customer_id: str, *, key: str | None = None) -> CancelFlow:
        """Start a cancel flow for a customer; the result lists the survey's ``reasons``.

        MRR, plan and segments come from the latest refreshed customer profile
        (``tenure refresh``). With ``key`` (an idempotency key, e.g. one per form shown)
        the flow's id is derived from it, and starting again with the same key returns
        the flow already started, in whatever state it is.

        Raises
        ------
        NotFoundError
            When the warehouse has no such customer.
        DataError
            When no day has been refreshed yet (no MRR or segments to decide with).
        """
        profile = self.customer_profile(customer_id, timeline=0)
        if profile["as_of"] is None:
            raise DataError(
                "cancel flows read the customer's MRR, plan and segments from the refreshed "
                "profiles, and none exist yet; run 'tenure refresh' (Workspace.refresh) first"
            )
        now = self.clock.now()
        flow_id = "cf_" + secrets.token_hex(8)
        if key is not None:
            digest = hashlib.sha256(f"{self._tenant_id}:{key}".encode()).hexdigest()
            flow_id = "cf_" + digest[:24]
        row = {
            "id": flow_id,
            "tenant_id": self._tenant_id,
            "customer_id": customer_id,
            "status": "started",
            "started_at": now,
            "plan": profile["plan"],
            "segments": list(profile["segments"]),
            "currency": self.settings.reporting_currency,
            "mrr_before": float(profile["mrr"] or 0.0),
        }
        with self._flow_tx("start a cancel flow") as con:
            if key is not None:
                found = con.execute(select(_FLOWS).where(_FLOWS.c.id == flow_id)).first()
                if found is not None:
                    if found.customer_id != customer_id or found.tenant_id != self._tenant_id:
                        raise ConflictError(
                            f"the key {key!r} started a cancel flow for another customer; "
                            "use a new key for each flow"
                        )
                    return self._flow(found)
            con.execute(_FLOWS.insert().values(**row))
            return self._flow(self._locked(con, flow_id))

    def cancel_flow(self, flow_id: str) -> CancelFlow:
        """A cancel flow of this workspace's tenant by id."""
        with self._flow_tx("read a cancel flow") as con:
            return self._flow(self._locked(con, flow_id))

    def cancel_flow_answer(
        self, flow_id: str, reason: str, text: str | None = None, *, uplift: float | None = None
    ) -> CancelFlow:
        """Record the exit survey's answer and decide the offers (``decide_offers``).

        ``reason`` must be one of ``[offers] reasons``; ``text`` is the free-text answer.
        A customer in the control group (``[offers] control_share``) gets no offer.
        ``uplift`` is the customer's predicted retention uplift from a discount, if an
        uplift model scored them; when not given, the trained model's (``flow_uplift``),
        else ``default_uplift``.
        """
        reasons = self.settings.offers.reasons
        if reason not in reasons:
            raise ConfigError(
                f"The 'reason' of a cancel flow's answer must be one of {', '.join(reasons)}. "
                f"Got {reason!r} instead ([offers] reasons).",
                location=Location(field="reason"),
            )
        flow = self.cancel_flow(flow_id) if uplift is None else None
        accept: float | None = None
        if flow is not None and flow.status == "started":
            uplift = self.flow_uplift(flow.customer_id)  # scored outside the transaction
            accept = self.flow_accept_probability(flow.customer_id)
        now = self.clock.now()
        with self._flow_tx("answer a cancel flow") as con:
            row = self._locked(con, flow_id)
            self._expect(row, "started", "answer")
            last = self._last_discount(con, row.customer_id)
            decision = decide_offers(
                OfferContext(
                    customer_id=row.customer_id,
                    reason=reason,
                    mrr=row.mrr_before,
                    today=now.date(),
                    segments=frozenset(row.segments or ()),
                    uplift=uplift,
                    last_discount_on=last,
                    accept_probability=accept,
                ),
                self.settings.offers,
            )
            rule_segment = None
            if decision.rule and " segment=" in decision.rule:
                rule_segment = decision.rule.split(" segment=", 1)[1]
            _update(
                con,
                flow_id,
                status="answered",
                answered_at=now,
                reason=reason,
                free_text=(text or "").replace("\x00", "") or None,  # PostgreSQL: no NUL
                control=decision.control,
                offers=list(decision.offers),
                decision=decision.to_dict(),
                segment=rule_segment,
            )
            return self._flow(self._locked(con, flow_id))

    def _last_discount(self, con: Connection, customer_id: str) -> dt.date | None:
        """The day of the customer's last accepted discount in a cancel flow (or None)."""
        t = _FLOWS
        discounts = [o.name for o in self.settings.offers.catalog if o.kind == "discount"]
        latest = con.execute(
            select(t.c.decided_at)
            .where(
                t.c.tenant_id == self._tenant_id,
                t.c.customer_id == customer_id,
                t.c.accepted_offer.in_(discounts),
            )
            .order_by(t.c.decided_at.desc())
            .limit(1)
        ).scalar()
        return latest.date() if latest is not None else None

    def cancel_flow_accept(
        self, flow_id: str, offer: str, *, mrr_after: float | None = None
    ) -> CancelFlow:
        """Accept one of the offers shown: the flow finishes with the offer's outcome.

        A pause is ``paused``, a downgrade ``downgraded``, any other offer ``saved``; the
        MRR effect follows :func:`tenure.act.cancel_offers.effect`. For a downgrade the
        MRR after is ``mrr_after`` when given (the price your billing will charge), else
        the median MRR of the target plan's customers in the latest profiles. With
        ``[webhooks] url`` set, the ``offer.accepted`` webhook is queued in the same
        transaction, and with ``[stripe] api_key`` set the offer's Stripe calls too
        (``stripe_queued``; docs/cancel-flow.md).
        """
        now = self.clock.now()
        with self._flow_tx("accept an offer") as con:
            row = self._locked(con, flow_id)
            self._expect(row, "answered", "accept an offer in")
            if offer not in (row.offers or ()):
                shown = ", ".join(row.offers or ()) or "none (the flow showed no offer)"
                raise ConfigError(
                    f"The 'offer' accepted in cancel flow {flow_id!r} must be one of the offers "
                    f"shown: {shown}. Got {offer!r} instead.",
                    location=Location(field="offer"),
                )
            chosen = self._offer(offer)
            outcome = outcome_of(chosen)
            target_plan = None
            if outcome == "downgraded" and mrr_after is None:
                target_plan, mrr_after = self._downgrade_target(chosen, row.plan, row.mrr_before)
            elif outcome == "downgraded":
                target_plan = chosen.plan
            result = effect(outcome, row.mrr_before, chosen, target_mrr=mrr_after)
            _finish(con, flow_id, now, outcome, result, accepted_offer=offer)
            queued = False
            url = self.settings.webhooks.url
            if url:
                key = f"offer.accepted:{flow_id}"
                body = accepted_event(
                    key=key,
                    flow_id=flow_id,
                    created=now,
                    customer_id=row.customer_id,
                    plan=row.plan,
                    mrr=row.mrr_before,
                    currency=row.currency,
                    reason=row.reason,
                    offer=chosen,
                    outcome=outcome,
                    result=result,
                    target_plan=target_plan,
                )
                queued = enqueue(
                    con,
                    tenant_id=self._tenant_id,
                    kind="offer.accepted",
                    key=key,
                    destination=url,
                    body=body,
                    now=now,
                )
            stripe = self._enqueue_stripe(con, row, chosen, now)  # with [stripe] api_key
            flow = self._flow(self._locked(con, flow_id), queued=queued)
            return replace(flow, stripe_queued=stripe)

    def cancel_flow_decline(self, flow_id: str, *, outcome: Outcome = "canceled") -> CancelFlow:
        """Decline the offers (or, with none shown, go on): ``canceled``, or ``saved``.

        ``saved`` records a customer who declined every offer and stayed anyway.
        """
        if outcome not in ("canceled", "saved"):
            raise ConfigError(
                "The 'outcome' of a declined cancel flow must be one of canceled, saved (a "
                f"pause or downgrade is an accepted offer). Got {outcome!r} instead.",
                location=Location(field="outcome"),
            )
        now = self.clock.now()
        with self._flow_tx("decline the offers") as con:
            row = self._locked(con, flow_id)
            self._expect(row, "answered", "decline the offers of")
            result = effect(outcome, row.mrr_before)
            _finish(con, flow_id, now, outcome, result)
            return self._flow(self._locked(con, flow_id))

    def _downgrade_target(self, offer: Offer, plan: str | None, mrr: float) -> tuple[str, float]:
        """The downgrade's plan and its MRR (:func:`downgrade_price`)."""
        return downgrade_price(self.warehouse.ibis, offer, plan, mrr)
