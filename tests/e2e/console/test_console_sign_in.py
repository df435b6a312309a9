"""Signing in to the console over real HTTP: the cookie, CSRF, signing out on the server,
the idle timeout, lock-out and disabled users, with sessions in memory and in Redis."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import harness
import httpx
import pytest
from console_site import COOKIE, SESSION, V1, Site, error_of, user_cli

IDLE = 5
THRESHOLD = 3


@pytest.fixture(scope="module", params=["memory", "redis"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp(f"sign-in-{request.param}")
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp / 'oiap.db'}",
        session_store=harness.session_store(request.param),
        console_idle_timeout=IDLE,
        lockout_threshold=THRESHOLD,
        lockout_window=60,
        lockout_duration=60,
    )
    harness.run_cli("db", "upgrade", env=env)
    with harness.Server(env, log=tmp / "server.log") as server:
        found = Site(server, env)
        found.tenant("a", push=False)
        yield found


def test_sign_in_answers_the_user_and_sets_a_strict_http_only_cookie(site: Site) -> None:
    name, password = site.user("editor", site.tenants["a"]["tenantId"])
    reply, browser = site.attempt(name, password)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["user"] == {
        "name": name,
        "tenantId": site.tenants["a"]["tenantId"],
        "role": "editor",
    }
    assert body["idleTimeout"] == IDLE
    assert len(body["csrfToken"]) >= 32
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= flags
    assert "secure" not in flags  # plain http: a Secure cookie would never come back
    who = browser("GET", SESSION)
    assert who.status_code == 200 and who.json()["user"]["name"] == name


def test_cookie_is_secure_when_the_request_came_over_https(site: Site) -> None:
    name, password = site.user("viewer", site.tenants["a"]["tenantId"])
    # The server trusts X-Forwarded-Proto from loopback (uvicorn's --forwarded-allow-ips).
    reply = httpx.post(
        site.url + SESSION,
        json={"name": name, "password": password},
        headers={"X-Forwarded-Proto": "https"},
        timeout=20,
    )
    assert reply.status_code == 200, reply.text
    flags = {part.strip().lower() for part in reply.headers["set-cookie"].split(";")[1:]}
    assert "secure" in flags


def test_writes_with_the_cookie_need_the_csrf_token(site: Site) -> None:
    name, password = site.user("editor", site.tenants["a"]["tenantId"])
    browser = site.sign_in(name, password)
    variable = {"type": "string", "default": "x", "description": ""}
    for refused in ("", "not-the-token", browser.csrf[:-1]):
        reply = browser("PUT", f"{V1}/variables/csrfcheck", variable, csrf=refused)
        assert error_of(reply, 403) == 900004
    assert browser("GET", f"{V1}/variables/csrfcheck").status_code == 404  # nothing written
    assert browser("PUT", f"{V1}/variables/csrfcheck", variable).status_code == 201
    # Reads need no token.
    assert browser("GET", f"{V1}/variables/csrfcheck").status_code == 200


def test_sign_out_ends_the_session_on_the_server(site: Site) -> None:
    name, password = site.user("viewer", site.tenants["a"]["tenantId"])
    browser = site.sign_in(name, password)
    stolen = browser.cookie
    assert error_of(browser("DELETE", SESSION, csrf=""), 403) == 900004
    assert browser("GET", SESSION).status_code == 200  # a refused sign-out changed nothing
    out = browser("DELETE", SESSION)
    assert out.status_code == 204
    # Whoever kept a copy of the cookie cannot use it any more.
    replay = httpx.Client(cookies={COOKIE: stolen})
    assert error_of(replay.get(site.url + SESSION, timeout=20), 401) == 900001
    assert error_of(replay.get(site.url + f"{V1}/flows", timeout=20), 401) == 900001


def test_session_ends_after_the_idle_timeout_and_requests_keep_it_alive(site: Site) -> None:
    name, password = site.user("viewer", site.tenants["a"]["tenantId"])
    busy = site.sign_in(name, password)
    idle = site.sign_in(name, password)
    for _ in range(3):  # three requests half an idle timeout apart: longer than one in all
        time.sleep(IDLE / 2)
        assert busy("GET", f"{V1}/flows").status_code == 200
    assert error_of(idle("GET", SESSION), 401) == 900001
    assert error_of(idle("GET", f"{V1}/flows"), 401) == 900001


def test_repeated_wrong_passwords_lock_the_user_and_say_for_how_long(site: Site) -> None:
    name, password = site.user("viewer", site.tenants["a"]["tenantId"])
    for _ in range(THRESHOLD - 1):
        reply, _ = site.attempt(name, "wrong password!")
        assert error_of(reply, 401) == 200800002
    reply, _ = site.attempt(name, "wrong password!")
    assert error_of(reply, 403) == 200800003
    assert "Try again in" in reply.json()["errorMsg"]
    reply, _ = site.attempt(name, password)  # the right one is refused while locked
    assert error_of(reply, 403) == 200800003


def test_unknown_names_are_answered_like_wrong_passwords(site: Site) -> None:
    name, _password = site.user("viewer", site.tenants["a"]["tenantId"])
    wrong, _ = site.attempt(name, "not the password")
    unknown, _ = site.attempt("nobody-by-this-name", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_disabling_a_user_ends_their_sessions_and_refuses_sign_in(site: Site) -> None:
    name, password = site.user("admin", site.tenants["a"]["tenantId"])
    browser = site.sign_in(name, password)
    harness.run_cli("user", "disable", name, env=site.env)
    assert error_of(browser("GET", f"{V1}/flows"), 401) == 900001
    refused, _ = site.attempt(name, password)
    wrong, _ = site.attempt(name, "not the password")
    assert refused.status_code == 401
    assert refused.json() == wrong.json()  # a disabled user is not told apart
    harness.run_cli("user", "enable", name, env=site.env)
    assert site.attempt(name, password)[0].status_code == 200


def test_a_new_password_ends_the_old_sessions(site: Site) -> None:
    name, password = site.user("viewer", site.tenants["a"]["tenantId"])
    browser = site.sign_in(name, password)
    done = user_cli("set-password", name, env=site.env, password="a brand new password")
    assert done.returncode == 0, done.stderr
    assert error_of(browser("GET", SESSION), 401) == 900001
    assert site.attempt(name, password)[0].status_code == 401
    assert site.attempt(name, "a brand new password")[0].status_code == 200


def test_the_database_keeps_a_slow_hash_never_the_password(site: Site) -> None:
    name, password = site.user("viewer", site.tenants["a"]["tenantId"])
    path = Path(site.env["OIAP_DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(path) as db:
        (stored,) = db.execute(
            "SELECT password_hash FROM console_users WHERE name = ?", (name,)
        ).fetchone()
    assert stored.startswith("scrypt$")
    assert password not in stored
