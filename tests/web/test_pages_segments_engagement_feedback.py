"""The segments, engagement and feedback pages: charts, the rule editor, filters, empty states."""

from __future__ import annotations

import re
from html import unescape

from tests.web.conftest import USERS, csrf, login


def test_segments_page_lists_sizes_and_the_editor_previews_a_rule(web) -> None:
    with login(web, USERS["a"]) as c:
        page = c.get("/t/a/segments")
        assert page.status_code == 200
        assert 'data-chart="segment-sizes-figure"' in page.text
        assert "at_risk" in page.text and 'hx-get="/t/a/segment-preview"' in page.text
        good = c.get("/t/a/segment-preview", params={"rule": "mrr > 0 and health < 60"})
        assert good.status_code == 200 and "The rule is valid" in good.text
        count = re.search(r'id="preview-count">([\d,]+)<', good.text)
        assert count is not None and int(count[1].replace(",", "")) > 0
        assert 'id="preview-table"' in good.text
        bad = c.get("/t/a/segment-preview", params={"rule": 'plan == "pro" and helth < 40'})
        text = unescape(bad.text)
        assert "Unknown field 'helth' at column 19" in text and "Did you mean 'health'" in text
        assert 'data-column="19"' in bad.text and "\n" + " " * 18 + "^</pre>" in text


def test_saving_a_segment_opens_its_page_with_members_and_history(web) -> None:
    with login(web, USERS["a"]) as c:
        token = csrf(c.get("/t/a/segments").text)
        form = {"csrf_token": token, "name": "pro_low", "rule": "health < 50", "description": "x"}
        saved = c.post("/t/a/segments", data=form)
        assert saved.status_code == 303 and saved.headers["location"] == "/t/a/segments/pro_low"
        page = c.get("/t/a/segments/pro_low")
        assert page.status_code == 200 and 'id="members-table"' in page.text
        assert 'id="history-table"' in page.text and "entered" in page.text
        assert 'data-chart="segment-size-figure"' in page.text
        again = c.post("/t/a/segments", data=form)
        assert again.status_code == 400 and "exists already" in again.text
        wrong = c.post("/t/a/segments", data=form | {"name": "other", "rule": "mrr >"})
        assert wrong.status_code == 400 and "does not parse" in wrong.text
        assert 'value="other"' in wrong.text  # the form keeps what was typed
        assert c.post("/t/a/segments", data=form | {"csrf_token": "nope"}).status_code == 403
        assert c.get("/t/a/segments/nope").status_code == 404


def test_engagement_page_shows_active_users_funnel_and_conversion(web) -> None:
    with login(web, USERS["a"]) as c:
        page = c.get("/t/a/engagement")
        assert page.status_code == 200
        for chart in ("active-users", "stickiness", "activation-funnel", "time-to-key-action"):
            assert f'data-chart="{chart}-figure"' in page.text
        assert (
            'data-chart="conversion-figure"' in page.text and 'id="conversion-table"' in page.text
        )
        assert "Report Created" in page.text
        weekly = c.get("/t/a/engagement?interval=week&start=2026-01-01")
        assert weekly.status_code == 200 and "DAU/WAU" in weekly.text
        bad = c.get("/t/a/engagement?interval=year")
        assert bad.status_code == 400 and "must be one of week, month" in bad.text


def test_feedback_page_shows_nps_and_filters_the_comments(web) -> None:
    with login(web, USERS["a"]) as c:
        page = c.get("/t/a/feedback")
        assert page.status_code == 200
        assert 'data-chart="nps-trend-figure"' in page.text
        assert 'data-chart="nps-distribution-figure"' in page.text
        every = page.text.count('class="verbatim"')
        assert every > 0
        low = c.get("/t/a/feedback?group=detractor")
        scores = re.findall(r'class="score (\w*)">(\d+)<', low.text)
        assert scores and all(g == "detractor" and int(s) <= 6 for g, s in scores)
        word = re.search(r"“(\w{5,})", page.text)
        assert word is not None
        found = c.get("/t/a/feedback", params={"q": word[1].upper()})
        quotes = re.findall(r"<blockquote>“([^”]*)”", unescape(found.text))
        assert quotes and all(word[1].lower() in q.lower() for q in quotes)
        assert c.get("/t/a/feedback?kind=tweet").status_code == 400


def test_pages_explain_missing_data_for_an_empty_workspace(web) -> None:
    with login(web, USERS["b"]) as c:
        assert "No segment sizes yet" in c.get("/t/b/segments").text
        assert "No product events yet" in c.get("/t/b/engagement").text
        assert "No feedback yet" in c.get("/t/b/feedback").text
        preview = c.get("/t/b/segment-preview", params={"rule": "mrr > 0"})
        assert "No customer profiles yet" in preview.text
