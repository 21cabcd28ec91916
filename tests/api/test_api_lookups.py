"""Look-ups: every role sees its own practices' rows, nothing of anyone else's (404, no leak)."""

from __future__ import annotations

import base64

import pytest

from denialdesk.store.models import ROLES, User
from denialdesk.store.tokens import issue_token

WHO = [*ROLES, "admin_all"]  # admin_all: an admin of every practice (no practice named)


def own_lists(rows) -> dict[str, list[int]]:
    """Each list endpoint of a practice -> the ids it must return, in order."""
    slug, patient = rows.practice.slug, rows.patients[0]
    return {
        f"/practices/{slug}/payers": rows.payers,
        f"/practices/{slug}/providers": rows.providers,
        f"/practices/{slug}/patients": rows.patients,
        f"/patients/{patient}/coverages": rows.coverages[patient],
    }


def scoped_paths(rows) -> list[str]:
    """Every look-up that names one of `rows`' objects (slug, patient id or coverage id)."""
    coverage = rows.coverages[rows.patients[0]][0]
    return [*own_lists(rows), f"/coverages/{coverage}"]


LIST_KINDS = ["payers", "providers", "patients", "coverages"]
SCOPED_KINDS = [*LIST_KINDS, "coverage"]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("kind", LIST_KINDS)
def test_every_role_looks_up_its_own_practice(world, who, kind):
    path, expected = list(own_lists(world.home).items())[LIST_KINDS.index(kind)]
    response = world.get(path, who)
    assert ids(response) == expected
    assert response.json()["next_cursor"] is None


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("kind", SCOPED_KINDS)
def test_another_practices_objects_are_not_found(world, who, kind):
    path = scoped_paths(world.other)[SCOPED_KINDS.index(kind)]
    response = world.get(path, who)
    assert (response.status_code, response.json()) == (404, {"detail": "not found"})


@pytest.mark.parametrize(
    "path",
    ["/practices/no-such-practice/payers", "/patients/999999/coverages", "/coverages/999999"],
)
def test_missing_objects_look_exactly_like_foreign_ones(world, path):
    response = world.get(path, "specialist")
    assert (response.status_code, response.json()) == (404, {"detail": "not found"})


@pytest.mark.parametrize("kind", SCOPED_KINDS)
def test_admin_of_every_practice_sees_other_practices(world, kind):
    path = scoped_paths(world.other)[SCOPED_KINDS.index(kind)]
    assert world.get(path, "admin_all").status_code == 200


@pytest.mark.parametrize("who", ROLES)
def test_practice_list_shows_only_own_practices(world, who):
    own = [world.home.practice.id, world.second.practice.id]
    assert ids(world.get("/practices", who)) == own


def test_admin_of_every_practice_lists_every_practice(world):
    every = [rows.practice.id for rows in (world.home, world.second, world.other)]
    assert ids(world.get("/practices", "admin_all")) == every


@pytest.mark.parametrize("token", ["none", "garbage", "other-key"])
@pytest.mark.parametrize("kind", ["practices", *SCOPED_KINDS])
def test_no_valid_token_is_401(world, token, kind):
    path = (
        "/practices" if kind == "practices" else scoped_paths(world.home)[SCOPED_KINDS.index(kind)]
    )
    # A well-formed token signed with another key is as good as none.
    forged = issue_token("another-key-" * 4, User(id=1, username="x", password_hash="x"))
    headers = {
        "none": {},
        "garbage": {"Authorization": "Bearer not-a-token"},
        "other-key": {"Authorization": f"Bearer {forged}"},
    }[token]
    response = world.client.get(f"/api/v1{path}", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_objects_carry_id_fields_iso_dates_and_decimal_strings(world):
    practice = world.get("/practices", "specialist").json()["items"][0]
    assert practice["slug"] == world.home.practice.slug
    assert practice["write_off_threshold"] == str(world.home.practice.write_off_threshold)
    assert isinstance(practice["write_off_threshold"], str)
    patient = world.get(f"/practices/{world.home.practice.slug}/patients", "specialist").json()
    assert patient["items"][0]["birth_date"] == "1980-01-01"  # the factory's default
    coverage = world.get(f"/coverages/{world.home.coverages[world.home.patients[0]][0]}", "admin")
    assert coverage.json()["effective_from"] == "2024-01-01"
    assert coverage.json()["order"] == "primary"


@pytest.mark.parametrize("kind", LIST_KINDS)
@pytest.mark.parametrize("limit", [1, 2])
def test_walking_next_cursor_collects_everything_once(world, kind, limit):
    path, expected = list(own_lists(world.home).items())[LIST_KINDS.index(kind)]
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": limit} | ({"cursor": cursor} if cursor else {})
        body = world.get(path, "specialist", **params).json()
        assert len(body["items"]) <= limit
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == expected
    assert pages == max(1, -(-len(expected) // limit))  # no empty trailing page


def test_practice_pages_stay_within_scope(world):
    first = world.get("/practices", "specialist", limit=1).json()
    rest = world.get("/practices", "specialist", limit=1, cursor=first["next_cursor"]).json()
    assert [first["items"][0]["id"], rest["items"][0]["id"]] == [
        world.home.practice.id,
        world.second.practice.id,
    ]
    assert rest["next_cursor"] is None


def encode(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "params, field",
    [
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "%%%"}, "cursor"),
        ({"cursor": encode("after:-1")}, "cursor"),
        ({"cursor": encode("12")}, "cursor"),
        ({"cursor": encode("after:" + "9" * 30)}, "cursor"),
    ],
)
def test_bad_paging_is_422_naming_the_field(world, params, field):
    response = world.get(f"/practices/{world.home.practice.slug}/patients", "specialist", **params)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["query", field]]


def test_limit_200_is_allowed(world):
    assert world.get("/practices", "specialist", limit=200).status_code == 200


@pytest.mark.parametrize("path", ["/patients/{}/coverages", "/coverages/{}"])
@pytest.mark.parametrize("bad_id", ["0", "abc", str(2**63)])
def test_bad_ids_are_422_not_500(world, path, bad_id):
    assert world.get(path.format(bad_id), "specialist").status_code == 422


def test_openapi_lists_the_look_ups(world):
    paths = world.client.get("/api/v1/openapi.json").json()["paths"]
    expected = {
        "/api/v1/practices",
        "/api/v1/practices/{slug}/payers",
        "/api/v1/practices/{slug}/providers",
        "/api/v1/practices/{slug}/patients",
        "/api/v1/patients/{patient_id}/coverages",
        "/api/v1/coverages/{coverage_id}",
    }
    assert expected <= set(paths)
    assert all("get" in paths[path] for path in expected)
