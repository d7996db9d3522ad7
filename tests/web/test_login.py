"""Logging in and out of the dashboard, CSRF on forms, and one tenant per user."""

from __future__ import annotations

import re

import httpx

from tests.web.conftest import PASSWORD, USERS, csrf, login


def test_pages_redirect_to_login_when_there_is_no_session(web) -> None:
    with httpx.Client(base_url=web.url, timeout=30) as c:
        r = c.get("/t/a/?by=plan")
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=%2Ft%2Fa%2F%3Fby%3Dplan"
        hx = c.get("/t/a/", headers={"HX-Request": "true"})
        assert hx.status_code == 204 and hx.headers["HX-Redirect"].startswith("/login")


def test_login_sets_an_httponly_samesite_cookie_and_goes_to_the_workspace(web) -> None:
    with httpx.Client(base_url=web.url, timeout=30) as c:
        form = c.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', form.text)
        assert token is not None
        r = c.post(
            "/login",
            data={
                "login_token": token[1],
                "email": USERS["a"],
                "password": PASSWORD,
                "next": "/t/a/cohorts",
            },
        )
        assert r.status_code == 303 and r.headers["location"] == "/t/a/cohorts"
        cookie = next(h for h in r.headers.get_list("set-cookie") if "tenure_session=" in h)
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
        home = c.get("/")
        assert home.status_code == 303 and home.headers["location"] == "/t/a/"


def test_login_refuses_a_wrong_password_and_a_form_without_its_token(web) -> None:
    with httpx.Client(base_url=web.url, timeout=30) as c:
        form = c.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', form.text)
        assert token is not None
        bad = {"login_token": token[1], "email": USERS["a"], "password": "not the password"}
        r = c.post("/login", data=bad)
        assert r.status_code == 401 and "not right" in r.text
        assert "tenure_session" not in c.cookies
    with httpx.Client(base_url=web.url, timeout=30) as c:  # no login cookie: cross-site
        forged = {"login_token": "x", "email": USERS["a"], "password": PASSWORD}
        r = c.post("/login", data=forged)
        assert r.status_code == 403 and "tenure_session" not in c.cookies


def test_login_never_redirects_to_another_site(web) -> None:
    with httpx.Client(base_url=web.url, timeout=30) as c:
        form = c.get("/login")
        token = re.search(r'name="login_token" value="([^"]+)"', form.text)
        assert token is not None
        data = {"login_token": token[1], "email": USERS["a"], "password": PASSWORD}
        r = c.post("/login", data=data | {"next": "//evil.example/x"})
        assert r.headers["location"] == "/"


def test_logout_needs_the_csrf_token_and_ends_the_session(web) -> None:
    with login(web, USERS["a"]) as c:
        page = c.get("/t/a/")
        assert page.status_code == 200
        assert c.post("/logout").status_code == 403  # no token: a cross-site form
        assert c.post("/logout", data={"csrf_token": "0" * 40}).status_code == 403
        assert c.get("/t/a/").status_code == 200  # still logged in
        token = c.cookies["tenure_session"]
        r = c.post("/logout", data={"csrf_token": csrf(page.text)})
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert c.get("/t/a/").status_code == 303
    with httpx.Client(base_url=web.url, timeout=30, cookies={"tenure_session": token}) as old:
        assert old.get("/t/a/").status_code == 303  # the old cookie no longer works


def test_a_user_cannot_open_another_tenants_pages(web) -> None:
    with login(web, USERS["b"]) as c:
        for path in ("/t/a/", "/t/a/cohorts", "/t/a/customers", "/t/a/customers.csv"):
            r = c.get(path)
            assert r.status_code == 404, path
            assert "no workspace &#39;a&#39; among yours" in r.text
        assert c.get("/t/b/").status_code == 200
        assert c.get("/").headers["location"] == "/t/b/"


def test_static_files_come_from_the_installed_packages(web) -> None:
    with httpx.Client(base_url=web.url, timeout=30) as c:
        plotly = c.get("/static/plotly.min.js")
        assert plotly.status_code == 200 and "plotly" in plotly.text[:2000].lower()
        htmx = c.get("/static/htmx.min.js")
        assert htmx.status_code == 200 and "htmx" in htmx.text
        assert c.get("/static/style.css").headers["content-type"].startswith("text/css")
        assert c.get("/static/..%2Ftemplates%2Fbase.html").status_code == 404
