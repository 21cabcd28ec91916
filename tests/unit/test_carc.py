"""CARC/RARC tables: the package's own copy of the reference lists, read as data."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from denialdesk.domain import carc as codes

REFERENCE = Path(__file__).parents[3] / "shared" / "reference"


def test_every_row_of_the_packaged_table_is_loaded_with_its_text() -> None:
    table = codes.carc_table()
    assert len(table) >= 60
    for code, row in table.items():
        assert row.code == code and row.known
        assert row.description and row.action
        assert row.category in (*codes.CATEGORY_PRECEDENCE, codes.NOT_DENIAL)


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference folder not present")
@pytest.mark.parametrize("name", ["carc-categories.csv", "rarc-notes.csv"])
def test_packaged_copy_matches_the_reference(name: str) -> None:
    packaged = Path(codes.__file__).parent / "data" / name
    with (REFERENCE / name).open() as ref, packaged.open() as own:
        assert list(csv.reader(ref)) == list(csv.reader(own))


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
