"""Draw the demo customers and their latent (unobserved) drivers, vectorised.

Everything that later drives behaviour is decided here, per customer: who they are
(country, channel, size, persona), how engaged they will be, whether they activate,
what plan they start on, their true monthly churn hazard, their true cancel reason and
how they answer a retention discount (saved by it, or a discount seeker who would stay
anyway).
The lifecycle simulation and the product analytics read these arrays; the ground
truth file publishes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tenure.demo._calendar import DAY, World, add_months, to_unix
from tenure.demo._names import (
    COMPANY_HEADS,
    COMPANY_TAILS,
    FIRST_NAMES,
    LAST_NAMES,
    LEGAL_FORMS,
    TLDS,
    ascii_slug,
)

__all__ = ["CANCEL_REASONS", "Population", "draw_population"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
BOOL = npt.NDArray[np.bool_]
STR = npt.NDArray[np.str_]

# country: (weight, currency, timezones with weights, UTC offset hours of each zone)
_COUNTRIES: dict[str, tuple[float, str, tuple[tuple[str, float, float], ...]]] = {
    "US": (
        0.40,
        "usd",
        (
            ("America/New_York", 0.42, -5),
            ("America/Chicago", 0.24, -6),
            ("America/Denver", 0.08, -7),
            ("America/Los_Angeles", 0.26, -8),
        ),
    ),
    "GB": (0.10, "gbp", (("Europe/London", 1.0, 0),)),
    "DE": (0.10, "eur", (("Europe/Berlin", 1.0, 1),)),
    "FR": (0.05, "eur", (("Europe/Paris", 1.0, 1),)),
    "CA": (0.06, "usd", (("America/Toronto", 0.6, -5), ("America/Vancouver", 0.4, -8))),
    "AU": (0.05, "usd", (("Australia/Sydney", 0.6, 10), ("Australia/Melbourne", 0.4, 10))),
    "NL": (0.04, "eur", (("Europe/Amsterdam", 1.0, 1),)),
    "AT": (0.02, "eur", (("Europe/Vienna", 1.0, 1),)),
    "CH": (0.02, "eur", (("Europe/Zurich", 1.0, 1),)),
    "ES": (0.03, "eur", (("Europe/Madrid", 1.0, 1),)),
    "IE": (0.03, "eur", (("Europe/Dublin", 1.0, 0),)),
    "IN": (0.06, "usd", (("Asia/Kolkata", 1.0, 5.5),)),
    "BR": (0.04, "usd", (("America/Sao_Paulo", 1.0, -3),)),
}
_GERMAN = frozenset({"DE", "AT", "CH"})

CHANNELS = ("organic", "paid_search", "referral", "partner", "outbound")
_CHANNEL_W = (0.32, 0.25, 0.13, 0.12, 0.18)
_CHANNEL_ENG = (0.0, -0.25, 0.35, 0.1, -0.1)
_CHANNEL_HAZ = (0.0, 0.35, -0.3, -0.25, 0.15)

SIZES = ("1-10", "11-50", "51-200", "201-1000", "1001+")
_SIZE_W = (0.36, 0.32, 0.19, 0.10, 0.03)
_SIZE_HAZ = (0.35, 0.1, -0.15, -0.35, -0.5)
_SIZE_SEATS = ((1, 6), (3, 25), (8, 60), (15, 150), (40, 300))
_SIZE_PLAN = (  # free, starter, pro, business
    (0.55, 0.28, 0.15, 0.02),
    (0.36, 0.24, 0.32, 0.08),
    (0.22, 0.10, 0.45, 0.23),
    (0.12, 0.04, 0.40, 0.44),
    (0.06, 0.0, 0.30, 0.64),
)
INDUSTRIES = (
    "software",
    "ecommerce",
    "agency",
    "finance",
    "healthcare",
    "education",
    "manufacturing",
    "media",
    "nonprofit",
)
_BUDGET_TIGHT = frozenset({"education", "media", "nonprofit", "agency"})
PERSONAS = ("founder", "marketer", "analyst", "ops_manager", "engineer", "executive")
_PERSONA_W = (0.2, 0.22, 0.2, 0.16, 0.12, 0.1)
_PERSONA_ENG = (0.1, -0.1, 0.45, 0.1, 0.2, -0.35)

CANCEL_REASONS = (
    "too_expensive",
    "not_using",
    "missing_features",
    "technical_issues",
    "poor_support",
    "switched_competitor",
    "temporary_budget",
    "too_complex",
    "other",
)
_SAVE_P = {
    "too_expensive": 0.6,
    "temporary_budget": 0.55,
    "not_using": 0.12,
    "switched_competitor": 0.15,
    "missing_features": 0.05,
    "technical_issues": 0.05,
    "poor_support": 0.08,
    "too_complex": 0.06,
    "other": 0.05,
}
_PLANS = ("free", "starter", "pro", "business")


@dataclass(frozen=True)
class Population:
    """Per-customer attributes, all arrays of length ``n`` ordered by sign-up time."""

    n: int
    signup_ts: I64
    country: STR
    currency: STR
    locale: STR
    timezone: STR
    utc_offset: F64
    channel: STR
    company_size: STR
    industry: STR
    persona: STR
    seats_potential: I64
    initial_seats: I64
    engagement_z: F64
    engagement: F64
    activated: BOOL
    activation_ts: I64
    price_sensitivity: F64
    tech_issues: F64
    nps_latent: F64
    initial_plan: STR
    annual: BOOL
    trial: BOOL
    trial_converts: BOOL
    trial_fallback: STR
    upgrade_rate: F64
    hazard: F64
    true_reason: STR
    discount_would_save: BOOL
    discount_seeker: BOOL
    signup_coupon: STR
    vat_charged: BOOL
    payment_failure_prob: F64
    card_brand: STR
    card_funding: STR
    card_last4: STR
    card_exp_month: I64
    card_exp_year: I64
    company: list[str]
    domain: list[str]
    first_name: list[str]
    last_name: list[str]
    email: list[str]


def _sigmoid(x: F64) -> F64:
    out: F64 = 1.0 / (1.0 + np.exp(-x))
    return out


def _signup_times(rng: np.random.Generator, n: int, world: World) -> I64:
    months = world.months
    growth = np.log(2.5) / max(months, 1)
    weights = np.exp(growth * np.arange(months)) * rng.lognormal(0.0, 0.12, months)
    per_month = rng.multinomial(n, weights / weights.sum())
    bounds = [to_unix(add_months(world.start, m)) for m in range(months + 1)]
    month_of = np.repeat(np.arange(months), per_month)
    lo = np.asarray(bounds[:-1], dtype=np.int64)[month_of]
    hi = np.asarray(bounds[1:], dtype=np.int64)[month_of]
    ts = lo + (rng.random(n) * (hi - lo - 2 * DAY)).astype(np.int64)
    return np.sort(ts)


def _pick(
    rng: np.random.Generator, options: tuple[str, ...], weights: tuple[float, ...], n: int
) -> tuple[STR, I64]:
    p = np.asarray(weights, dtype=np.float64)
    idx = rng.choice(len(options), size=n, p=p / p.sum()).astype(np.int64)
    return np.asarray(options)[idx], idx


def draw_population(
    rng: np.random.Generator, n: int, world: World, *, seekers: np.random.Generator
) -> Population:
    """Draw ``n`` customers signing up during ``world``.

    Parameters
    ----------
    rng
        Generator to draw from; the same state gives the same population.
    n
        Number of customers.
    world
        The simulated window.
    seekers
        Generator of the ``discount_seeker`` latent alone, so that adding it left every
        other latent as it was.
    """
    signup = _signup_times(rng, n, world)
    names = tuple(_COUNTRIES)
    country, cidx = _pick(rng, names, tuple(_COUNTRIES[c][0] for c in names), n)
    currency = np.asarray([_COUNTRIES[c][1] for c in names])[cidx]
    locale = np.where(np.isin(country, list(_GERMAN)), "de", "en")
    timezone = np.empty(n, dtype=object)
    offset = np.zeros(n)
    for i, code in enumerate(names):
        mask = cidx == i
        zones = _COUNTRIES[code][2]
        pick = rng.choice(len(zones), size=int(mask.sum()), p=[z[1] for z in zones])
        timezone[mask] = np.asarray([z[0] for z in zones], dtype=object)[pick]
        offset[mask] = np.asarray([z[2] for z in zones])[pick]

    channel, ch = _pick(rng, CHANNELS, _CHANNEL_W, n)
    size_shift = np.where(ch == CHANNELS.index("outbound"), 1, 0)
    _, size_raw = _pick(rng, SIZES, _SIZE_W, n)
    sz = np.minimum(size_raw + size_shift * (rng.random(n) < 0.5), len(SIZES) - 1)
    company_size = np.asarray(SIZES)[sz]
    industry = np.asarray(INDUSTRIES)[rng.integers(0, len(INDUSTRIES), n)]
    persona, pe = _pick(rng, PERSONAS, _PERSONA_W, n)
    lo_seats = np.asarray([s[0] for s in _SIZE_SEATS])[sz]
    hi_seats = np.asarray([s[1] for s in _SIZE_SEATS])[sz]
    seats_potential = rng.integers(lo_seats, hi_seats + 1).astype(np.int64)
    initial_seats = np.maximum(1, np.ceil(seats_potential * rng.uniform(0.2, 0.6, n))).astype(
        np.int64
    )

    engagement_z = (
        rng.normal(0.0, 1.0, n) + np.asarray(_CHANNEL_ENG)[ch] + np.asarray(_PERSONA_ENG)[pe]
    )
    engagement = _sigmoid(engagement_z)
    activated = rng.random(n) < _sigmoid(-0.1 + 1.5 * engagement_z)
    delay_days = np.minimum(rng.lognormal(np.log(2.0), 1.0, n), 40.0)
    activation_ts = signup + (delay_days * DAY).astype(np.int64) + 600
    price_sensitivity = _sigmoid(
        rng.normal(0.0, 1.0, n)
        + 0.6 * (sz == 0)
        - 0.5 * (sz >= 3)
        + 0.4 * (ch == CHANNELS.index("paid_search"))
    )
    tech_issues = rng.beta(1.2, 6.0, n)
    nps_latent = np.clip(
        6.6 + 1.3 * engagement_z + 0.9 * activated - 4.0 * tech_issues + rng.normal(0.0, 1.0, n),
        0.0,
        10.0,
    )

    plan_p = np.asarray(_SIZE_PLAN)[sz]
    plan_idx = (rng.random(n)[:, None] > np.cumsum(plan_p, axis=1)).sum(axis=1)
    plan_idx = np.minimum(plan_idx, 3)
    initial_plan = np.asarray(_PLANS)[plan_idx]
    paid = plan_idx > 0
    annual = paid & (rng.random(n) < np.asarray([0.0, 0.15, 0.25, 0.4])[plan_idx])
    trial = paid & (rng.random(n) < 0.7)
    trial_converts = rng.random(n) < np.clip(
        0.18 + 0.45 * activated + 0.25 * engagement - 0.15 * price_sensitivity, 0.02, 0.95
    )
    fallback_draw = rng.random(n)
    trial_fallback = np.where(
        fallback_draw < 0.45, "cancel", np.where(fallback_draw < 0.8, "free", "pause")
    )
    upgrade_rate = 0.035 * np.exp(
        0.9 * engagement_z + 0.8 * activated + 0.35 * sz - 0.5 * price_sensitivity
    )

    log_h = (
        np.log(0.016)
        + np.asarray(_CHANNEL_HAZ)[ch]
        + np.asarray(_SIZE_HAZ)[sz]
        - 0.5 * engagement_z
        + np.where(activated, -0.55, 0.5)
        - 0.12 * (nps_latent - 7.0)
        + 0.6 * (price_sensitivity - 0.5)
        + 1.6 * tech_issues
        - 0.3 * annual
        + rng.normal(0.0, 0.2, n)
    )
    hazard = np.clip(np.exp(log_h), 0.002, 0.4)

    budget = np.isin(industry, list(_BUDGET_TIGHT))
    scores = np.stack(
        [
            0.3 + 2.2 * price_sensitivity + 0.4 * (sz == 0),
            0.3 - 1.3 * engagement_z + 1.0 * ~activated,
            0.2 + 0.5 * (sz >= 2) + 0.4 * (pe == PERSONAS.index("analyst")),
            -0.6 + 6.0 * tech_issues,
            -1.4 + 4.0 * tech_issues,
            -0.1 + 0.5 * (ch == CHANNELS.index("paid_search")) + 0.3 * (sz >= 2),
            -0.5 + 0.9 * budget,
            -0.6 + 0.5 * np.isin(pe, [0, 1]) - 0.4 * engagement_z,
            np.full(n, -1.0),
        ],
        axis=1,
    )
    reason_idx = np.argmax(scores + rng.gumbel(size=scores.shape), axis=1)
    true_reason = np.asarray(CANCEL_REASONS)[reason_idx]
    save_p = np.asarray([_SAVE_P[r] for r in CANCEL_REASONS])[reason_idx]
    discount_would_save = rng.random(n) < np.clip(save_p * (0.5 + price_sensitivity), 0, 0.95)
    discount_seeker = _discount_seekers(
        seekers, engagement_z, activated, price_sensitivity, discount_would_save
    )

    coupon = np.full(n, "", dtype=object)
    draw = rng.random(n)
    coupon[(ch == CHANNELS.index("partner")) & (draw < 0.7)] = "PARTNER15"
    coupon[(ch == CHANNELS.index("paid_search")) & (draw < 0.3)] = "WELCOME20"
    coupon[(ch == CHANNELS.index("referral")) & (draw < 0.5)] = "FRIEND10"
    outbound = (ch == CHANNELS.index("outbound")) & (draw < 0.35)
    amount_coupon = {"usd": "USD25", "eur": "EUR25", "gbp": "GBP20"}
    coupon[outbound] = [amount_coupon[c] for c in currency[outbound].tolist()]
    early = signup < world.start_ts + 61 * DAY
    coupon[early & (coupon == "") & (draw > 0.5)] = "LAUNCH30"
    vat_charged = np.isin(country, ["DE", "AT", "FR", "NL", "ES", "IE", "GB"]) & (
        rng.random(n) < 0.3
    )

    funding, fu = _pick(rng, ("credit", "debit", "prepaid"), (0.74, 0.23, 0.03), n)
    brand, _ = _pick(rng, ("visa", "mastercard", "amex", "discover"), (0.55, 0.31, 0.11, 0.03), n)
    brand = np.where((brand == "discover") & (country != "US"), "visa", brand)
    payment_failure_prob = np.clip(
        0.008
        + 0.02 * (fu == 1)
        + 0.1 * (fu == 2)
        + 0.012 * (sz == 0)
        + 0.025 * price_sensitivity
        + rng.normal(0, 0.006, n),
        0.003,
        0.3,
    )
    last4 = np.char.zfill(rng.integers(0, 10_000, n).astype(str), 4)
    signup_month = signup.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    exp_index = signup_month + rng.integers(2, 60, n)
    card_exp_year = (1970 + exp_index // 12).astype(np.int64)
    card_exp_month = (exp_index % 12 + 1).astype(np.int64)

    company, domain, first, last, email = _identities(rng, country, locale)
    return Population(
        n=n,
        signup_ts=signup.astype(np.int64),
        country=country,
        currency=currency,
        locale=locale,
        timezone=timezone.astype(str),
        utc_offset=offset,
        channel=channel,
        company_size=company_size,
        industry=industry,
        persona=persona,
        seats_potential=seats_potential,
        initial_seats=initial_seats,
        engagement_z=engagement_z,
        engagement=engagement,
        activated=activated,
        activation_ts=activation_ts,
        price_sensitivity=price_sensitivity,
        tech_issues=tech_issues,
        nps_latent=nps_latent,
        initial_plan=initial_plan,
        annual=annual,
        trial=trial,
        trial_converts=trial_converts,
        trial_fallback=trial_fallback,
        upgrade_rate=upgrade_rate,
        hazard=hazard,
        true_reason=true_reason,
        discount_would_save=discount_would_save,
        discount_seeker=discount_seeker,
        signup_coupon=coupon.astype(str),
        vat_charged=vat_charged,
        payment_failure_prob=payment_failure_prob,
        card_brand=brand,
        card_funding=funding,
        card_last4=last4,
        card_exp_month=card_exp_month,
        card_exp_year=card_exp_year,
        company=company,
        domain=domain,
        first_name=first,
        last_name=last,
        email=email,
    )


def _discount_seekers(
    rng: np.random.Generator,
    engagement_z: F64,
    activated: BOOL,
    price_sensitivity: F64,
    would_save: BOOL,
) -> BOOL:
    """Who asks to cancel only to get a deal, and would stay without one.

    Engaged, activated accounts that are neither indifferent to price nor driven away by
    it (the chance peaks at a price sensitivity of 0.5); never one a discount would save.
    About a third of the customers; since engaged accounts rarely reach a cancel
    decision, they make about as many cancel decisions as the savable ones
    (docs/demo.md).
    """
    moderate = 1.0 - (2.0 * price_sensitivity - 1.0) ** 2
    chance = 0.9 * _sigmoid(1.5 * engagement_z + 1.0 * activated) * moderate
    seeker: BOOL = (rng.random(len(engagement_z)) < chance) & ~would_save
    return seeker


def _identities(
    rng: np.random.Generator, country: STR, locale: STR
) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    n = len(country)
    heads = rng.integers(0, len(COMPANY_HEADS), n).tolist()
    tails = rng.integers(0, len(COMPANY_TAILS), n).tolist()
    forms = rng.integers(0, 3, n).tolist()
    firsts = rng.integers(0, 1000, n).tolist()
    lasts = rng.integers(0, 1000, n).tolist()
    companies: list[str] = []
    domains: list[str] = []
    first_names: list[str] = []
    last_names: list[str] = []
    emails: list[str] = []
    seen: dict[str, int] = {}
    for i, (code, lang) in enumerate(zip(country.tolist(), locale.tolist(), strict=True)):
        head, tail = COMPANY_HEADS[heads[i]], COMPANY_TAILS[tails[i]]
        legal = LEGAL_FORMS[code]
        companies.append(f"{head} {tail} {legal[forms[i] % len(legal)]}")
        slug = ascii_slug(head + tail)
        count = seen.get(slug + code, 0)
        seen[slug + code] = count + 1
        domain = f"{slug}{count + 1 if count else ''}.{TLDS[code]}"
        domains.append(domain)
        fn = FIRST_NAMES[lang][firsts[i] % len(FIRST_NAMES[lang])]
        ln = LAST_NAMES[lang][lasts[i] % len(LAST_NAMES[lang])]
        first_names.append(fn)
        last_names.append(ln)
        emails.append(f"{ascii_slug(fn)}.{ascii_slug(ln)}@{domain}")
    return companies, domains, first_names, last_names, emails
