"""Payment lines post to the claim line they pay (issue: a repeated code took the wrong line)."""

from __future__ import annotations

from datetime import date

from denialdesk.domain.line_posting import OurLine, PaidLine, post_lines

DAY = date(2026, 3, 2)
TWO_SESSIONS = [OurLine(1, "90837", DAY), OurLine(2, "90837", DAY), OurLine(3, "90785", DAY)]


def test_the_line_control_number_wins_over_order():
    # The payer answers line 2 first (denied) and line 1 second (paid).
    paid = [PaidLine("2", "90837", DAY), PaidLine("1", "90837", DAY), PaidLine("3", "90785", DAY)]
    assert post_lines(TWO_SESSIONS, paid) == [2, 1, 3]


def test_without_control_numbers_code_and_date_then_code_each_line_once():
    paid = [PaidLine(None, "90785", DAY), PaidLine(None, "90837", DAY),
            PaidLine(None, "90837", date(2026, 3, 9)), PaidLine(None, "90837", DAY)]  # fmt: skip
    # Exact (code, date) matches first, so the line of another date, met before the second
    # session's, does not take it; with every 90837 of ours taken, nothing fits it.
    assert post_lines(TWO_SESSIONS, paid) == [3, 1, None, 2]
    assert post_lines(TWO_SESSIONS, paid[:3]) == [3, 1, 2]  # alone, it takes what is left


def test_a_named_line_is_never_taken_by_a_guess_before_it():
    paid = [PaidLine(None, "90837", DAY), PaidLine("1", "90837", DAY)]
    assert post_lines(TWO_SESSIONS, paid) == [2, 1]


def test_an_unknown_control_number_falls_back_and_nothing_fits_is_none():
    paid = [PaidLine("99", "90785", DAY), PaidLine(None, "H0004", DAY)]
    assert post_lines(TWO_SESSIONS, paid) == [3, None]
