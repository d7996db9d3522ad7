"""schemathesis against the OpenAPI document of a live server: no operation answers 5xx.

Every operation gets generated requests (valid and invalid path, query and body values,
from the schema) sent with an admin key of tenant ``a``, whose workspace holds the
refreshed demo world, and each response must not be a 5xx and must match its documented
schema. ``EXAMPLES`` per operation and mode bound the run to a few minutes. (The
``schemathesis.pytest`` lazy loader does not run under pytest 9 yet, so the operations
are driven through ``APIOperation.as_strategy`` and Hypothesis directly.)
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tenure.workspace import Deployment
from tests.api.conftest import Site, make_world

pytestmark = pytest.mark.slow

EXAMPLES = 20


@pytest.fixture
def live(tmp_path: Path, demo_world: Path, start_server: Callable[..., Site]) -> Site:
    site = make_world(
        tmp_path / "deployment",
        "sqlite:///tenure.sqlite",
        demo_world,
        rate_limit_per_second=10_000.0,
        rate_limit_burst=10_000,
    )
    with Deployment.open(site.folder) as deployment:  # so deliveries reach the signature check
        deployment.set_stripe_secret("a", "whsec_fuzz_0123456789abcdef")
    return start_server(site)


def _fuzz(operation: Any, headers: dict[str, str], statuses: Counter[int]) -> list[str]:
    """Run one operation's generated cases; the failures as ``curl`` lines and errors."""
    failures: list[str] = []
    modes = [operation.as_strategy(GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):  # some operations have nothing to make invalid
        modes.append(operation.as_strategy(GenerationMode.NEGATIVE))
    if "{tenant_slug}" in operation.path:  # also a tenant whose endpoint exists
        modes.append(operation.as_strategy(path_parameters={"tenant_slug": "a"}))

    @given(case=st.one_of(modes))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        try:
            response = case.call(headers=headers, timeout=60)
            statuses[response.status_code] += 1
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
        except Exception as exc:
            failures.append(f"{case.as_curl_command(headers=headers)}\n  {exc}")

    run()
    return failures


def test_no_operation_answers_5xx_when_fuzzed(live: Site) -> None:
    schema = schemathesis.openapi.from_url(f"{live.url}/openapi.json")
    headers = {"Authorization": f"Bearer {live.keys['a_admin']}"}
    failures: dict[str, list[str]] = {}
    seen: dict[str, Counter[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        seen[operation.label] = Counter()
        if found := _fuzz(operation, headers, seen[operation.label]):
            failures[operation.label] = found
    print("\n".join(f"{label}: {dict(counts)}" for label, counts in seen.items()))
    assert len(seen) >= 18 and all(sum(c.values()) > 0 for c in seen.values())
    assert sum(c[200] + c[201] for c in seen.values()) > 0
    report = "\n".join(f"{label}: {len(f)} failure(s)\n{f[0]}" for label, f in failures.items())
    assert not failures, report
