"""CARC/RARC tables: the lists in domain/data/, shipped with the package and read as data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from denialdesk.domain import carc as codes

DATA = Path(codes.__file__).parent / "data"


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_row_of_the_packaged_table_is_loaded_with_its_text() -> None:
    table = codes.carc_table()
    assert len(table) >= 60
    for code, row in table.items():
        assert row.code == code and row.known
        assert row.description and row.action
        assert row.category in (*codes.CATEGORY_PRECEDENCE, codes.NOT_DENIAL)


def test_the_carc_table_in_the_repository_is_whole_and_has_no_duplicate_codes() -> None:
    rows = read("carc-categories.csv")
    assert list(rows[0]) == ["carc", "category", "action", "description"]
    keys = [codes.normalize(row["carc"]) for row in rows]
    assert len(keys) == len(set(keys)), "a later row would silently replace an earlier one"
    assert len(codes.carc_table()) == len(rows) == 76
    assert all(row["carc"] and row["category"] and row["action"] for row in rows)


def test_the_rarc_table_in_the_repository_holds_only_known_hints() -> None:
    rows = read("rarc-notes.csv")
    assert list(rows[0]) == ["rarc", "hint", "description"]
    keys = [codes.normalize(row["rarc"]) for row in rows]
    assert len(keys) == len(set(keys)) == len(codes.rarc_table()) == 8
    allowed = {"", "not_appealable", *codes.CATEGORY_PRECEDENCE}
    assert {row["hint"] for row in rows} <= allowed
    assert all(row["description"] for row in rows)


@pytest.mark.parametrize(
    ("code", "category", "action"),
    [
        ("197", "authorization", "obtain_retro_authorization"),
        ("29", "timely_filing", "appeal_with_proof"),
        ("16", "missing_info", "correct_resubmit"),
        ("B13", "duplicate", "verify_then_close"),
        ("b7", "credentialing", "fix_credentialing"),  # codes are matched case-insensitively
        ("045", "not_denial", "none"),  # and numeric ones without leading zeros
    ],
)
def test_category_and_action(code: str, category: str, action: str) -> None:
    row = codes.carc(code)
    assert (row.category, row.action, row.known) == (category, action, True)


@pytest.mark.parametrize("code", ["1", "2", "3", "23", "24", "45", "253"])
def test_not_denials(code: str) -> None:
    assert not codes.is_denial(code)


@pytest.mark.parametrize("code", ["16", "50", "96", "204", "97", "A1", "999"])
def test_denials_include_unknown_codes(code: str) -> None:
    assert codes.is_denial(code)


def test_unknown_code_is_other_with_plain_text() -> None:
    row = codes.carc(" 999 ")
    assert row.category == "other"
    assert row.action == codes.UNKNOWN_ACTION
    assert row.description == "Unknown adjustment reason code 999"
    assert not row.known


def test_rarc_hints_and_unknown_remarks() -> None:
    assert codes.rarc("m62").hint == "authorization"
    assert codes.rarc("MA130").hint == "not_appealable"
    assert not codes.is_category_hint("not_appealable")
    assert codes.is_category_hint(codes.rarc("N290").hint)
    unknown = codes.rarc("N999")
    assert (unknown.hint, unknown.known) == ("", False)
    assert unknown.description == "Unknown remark code N999"


def test_group_descriptions() -> None:
    assert codes.group_description("pr") == "Patient responsibility"
    assert codes.group_description("CR").startswith("Unknown adjustment group")
