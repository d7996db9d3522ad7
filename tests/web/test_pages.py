"""Every dashboard page renders from the workspace; filters, CSV, 360 and empty states."""

from __future__ import annotations

import csv
import io
import re

from tests.web.conftest import USERS, login


def test_every_page_renders_with_its_charts_for_the_demo_tenant(web) -> None:
    with login(web, USERS["a"]) as c:
        overview = c.get("/t/a/?interval=month&by=plan")
        assert overview.status_code == 200
        for text in ("MRR", "ARR", "Paying customers", "NRR", 'data-chart="movements-figure"'):
            assert text in overview.text
        assert "MRR by plan" in overview.text
        cohorts = c.get("/t/a/cohorts")
        assert cohorts.status_code == 200 and 'data-chart="logo-retention-figure"' in cohorts.text
        table = c.get("/t/a/customers")
        assert table.status_code == 200 and "Whom to call today" in table.text
        links = re.findall(r'class="customer-link" href="(/t/a/customers/[^"]+)"', table.text)
        assert len(links) == 50
        for link in links[:: len(links) // 10]:  # customers with and without scores, feedback
            profile = c.get(link)
            assert profile.status_code == 200 and 'id="risk-sentence"' in profile.text, link
        assert c.get("/t/a/customers/cus_nope").status_code == 404


def test_a_filter_changes_the_table_and_the_csv_has_every_row(web) -> None:
    with login(web, USERS["a"]) as c:
        everyone = c.get("/t/a/customers.csv")
        rows = list(csv.DictReader(io.StringIO(everyone.text)))
        assert len(rows) > 50 and "top_reason" in rows[0]
        assert everyone.headers["transfer-encoding"] == "chunked"  # streamed, page by page
        assert everyone.headers["content-disposition"].startswith("attachment")
        assert len({r["customer_id"] for r in rows}) == len(rows)
        red = list(csv.DictReader(io.StringIO(c.get("/t/a/customers.csv?band=red").text)))
        assert 0 < len(red) < len(rows) and {r["health_band"] for r in red} == {"red"}
        page = c.get("/t/a/customers?band=red")
        shown = re.findall(r'class="customer-link" href="/t/a/customers/([^"]+)"', page.text)
        assert shown == [r["customer_id"] for r in red][: len(shown)]
        bad = c.get("/t/a/customers?band=purple")
        assert bad.status_code == 400 and "must be one of red, yellow, green" in bad.text


def test_pages_explain_missing_data_for_an_empty_workspace(web) -> None:
    with login(web, USERS["b"]) as c:
        assert "No billing data yet" in c.get("/t/b/").text
        assert "No cohorts yet" in c.get("/t/b/cohorts").text
        assert "No customer scores yet" in c.get("/t/b/customers").text
