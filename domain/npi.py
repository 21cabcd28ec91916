"""National Provider Identifier check digit (Luhn over the number prefixed with 80840)."""

from __future__ import annotations

NPI_PREFIX = "80840"  # ISO 7812 card issuer prefix for US health applications


def luhn_check_digit(partial: str) -> int:
    """The digit to append so that `partial + digit` passes the Luhn check."""
    total = 0
    for index, char in enumerate(reversed(partial)):
        digit = int(char)
        if index % 2 == 0:  # doubled: these sit at odd positions once the check digit is added
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_npi(value: str) -> bool:
    """Ten digits, first 1 or 2, last the Luhn check digit of 80840 + the first nine."""
    if len(value) != 10 or not value.isascii() or not value.isdigit() or value[0] not in "12":
        return False
    return luhn_check_digit(NPI_PREFIX + value[:9]) == int(value[9])


def npi_with_check_digit(first_nine: str) -> str:
    """Complete a nine-digit NPI stem (used to make valid demo and test NPIs)."""
    if len(first_nine) != 9 or not first_nine.isascii() or not first_nine.isdigit():
        raise ValueError("an NPI stem has nine digits")
    return first_nine + str(luhn_check_digit(NPI_PREFIX + first_nine))
