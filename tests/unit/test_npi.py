"""NPI check digit: the Luhn formula over 80840 + the first nine digits (CMS NPI standard)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from denialdesk.domain.npi import is_valid_npi, luhn_check_digit, npi_with_check_digit

# CMS's worked example in "Requirements for the NPI check digit": 123456789 -> 3.
KNOWN_VALID = "1234567893"


def test_cms_example_is_valid():
    assert is_valid_npi(KNOWN_VALID)
    assert luhn_check_digit("80840" + "123456789") == 3


@pytest.mark.parametrize("last", [d for d in "0123456789" if d != KNOWN_VALID[-1]])
def test_any_other_check_digit_is_refused(last):
    assert not is_valid_npi(KNOWN_VALID[:9] + last)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "123456789",  # nine digits
        "12345678930",  # eleven
        " 1234567893",
        "1234567893\n",
        "123456789O",  # letter O
        "12345-7893",
        "+234567893",
        "3234567893",  # first digit must be 1 or 2
        "0234567893",
        "١٢٣٤٥٦٧٨٩٣",  # Arabic-Indic digits: isdigit() but not an NPI
        "１２３４５６７８９３",  # fullwidth digits
    ],
)
def test_malformed_values_are_refused(value):
    assert not is_valid_npi(value)


# isdigit() alone accepts Arabic-Indic digits, which is_valid_npi then refuses.
UNICODE_STEM = "١٢٣٤٥٦٧٨٩"


@pytest.mark.parametrize("stem", ["12345678", "1234567890", "12345678a", UNICODE_STEM])
def test_stem_must_be_nine_ascii_digits(stem):
    with pytest.raises(ValueError, match="nine digits"):
        npi_with_check_digit(stem)


@given(st.sampled_from("12"), st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_completed_stem_is_valid_and_unique(first, rest):
    npi = npi_with_check_digit(first + rest)
    assert npi[:9] == first + rest
    assert is_valid_npi(npi)
    # Exactly one check digit completes a stem.
    assert [d for d in "0123456789" if is_valid_npi(npi[:9] + d)] == [npi[9]]


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_valid_exactly_when_check_digit_matches(value):
    expected = value[0] in "12" and npi_with_check_digit(value[:9]) == value
    assert is_valid_npi(value) is expected
