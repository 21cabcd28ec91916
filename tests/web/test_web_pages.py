"""Redirects, the worklist page, fragments for htmx, static files."""

from __future__ import annotations

import pytest


def test_root_sends_anonymous_to_login(client):
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"


def test_root_sends_logged_in_user_to_worklist(logged_in):
    assert logged_in.get("/", follow_redirects=False).headers["location"] == "/worklist"


def test_anonymous_worklist_redirects_to_login_with_next(client):
    response = client.get("/worklist?tab=done", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/worklist%3Ftab%3Ddone"
    form = client.get(response.headers["location"]).text
    assert 'name="next" value="/worklist?tab=done"' in form


def test_login_follows_relative_next(client, make_user, log_in):
    response = log_in(client, make_user(), next_url="/worklist?tab=done")
    assert response.headers["location"] == "/worklist?tab=done"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/logout",
    ],
)
def test_open_redirect_attempts_are_ignored(client, make_user, log_in, next_url):
    response = log_in(client, make_user(), next_url=next_url)
    assert response.status_code == 303
    assert response.headers["location"] == "/worklist"


def test_login_form_drops_a_foreign_next(client):
    page = client.get("/login", params={"next": "https://evil.example/"}).text
    assert "evil.example" not in page


def test_anonymous_htmx_request_gets_hx_redirect(client):
    response = client.get(
        "/worklist?tab=done",
        headers={"HX-Request": "true", "HX-Target": "worklist"},
        follow_redirects=False,
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/login?next=/worklist%3Ftab%3Ddone"


def test_worklist_shows_user_practice_role_tabs_and_empty_state(logged_in):
    page = logged_in.get("/worklist").text
    assert "sam" in page
    assert "Specialist" in page and "Riverbend Psychiatry" in page
    for label in ("My tasks", "Unassigned", "All open", "Pended", "Done"):
        assert f">{label}\n" in page
    assert "No tasks assigned to you — press Next task to take one." in page
    assert 'action="/logout"' in page
    assert 'aria-current="page">My tasks' in page


def test_admin_of_every_practice_is_shown_so(client, make_user, log_in):
    log_in(client, make_user("ada", role="admin", practices=()))
    assert "all practices" in client.get("/worklist").text


def test_tab_from_query_string_is_current(logged_in):
    page = logged_in.get("/worklist?tab=pended").text
    assert 'aria-current="page">Pended' in page
    assert 'aria-current="page">My tasks' not in page


def test_unknown_tab_falls_back_to_my_tasks(logged_in):
    response = logged_in.get("/worklist?tab=<script>")
    assert response.status_code == 200
    assert 'aria-current="page">My tasks' in response.text
    assert "<script>" not in response.text


def test_htmx_filter_request_gets_only_the_results(logged_in):
    response = logged_in.get("/worklist?tab=done", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and "<header" not in response.text
    assert "<form" not in response.text  # the filters stay as the user set them...
    # ...but the form's tab now says Done (an out-of-band swap travels with the results).
    assert 'hx-swap-oob="true"><input type="hidden" id="tab-input" name="tab" value="done">' in (
        response.text
    )
    assert 'aria-current="page">Done' in response.text
    assert "Nothing here yet." in response.text


def test_htmx_history_restore_gets_the_whole_page(logged_in):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true", "HX-Target": "worklist"}
    assert "<html" in logged_in.get("/worklist", headers=headers).text


def test_pages_send_security_headers(logged_in):
    headers = logged_in.get("/worklist").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"
    assert "HX-Request" in headers["vary"]


def test_text_is_escaped(client, make_user, log_in):
    # The login page echoes the username; markup in it must come back inert.
    make_user()
    page = log_in(client, '<img src=x onerror="alert(1)">', password="wrong-guess").text
    assert "<img src=x" not in page
    assert "&lt;img src=x" in page


def test_htmx_is_served_locally_and_referenced(client):
    page = client.get("/login").text
    assert '<script src="/static/htmx.min.js" defer></script>' in page
    assert "unpkg" not in page and "cdn" not in page.lower()
    script = client.get("/static/htmx.min.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert 'version:"2.' in script.text
    assert client.get("/static/app.css").status_code == 200


def test_pages_stay_out_of_the_api_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert not any(path in paths for path in ("/", "/login", "/logout", "/worklist"))
