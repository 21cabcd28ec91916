"""Claim Adjustment Reason Codes (CARC) and Remittance Advice Remark Codes (RARC) as data.

The tables are the project's own copies of the reference lists (domain/data/*.csv), read once
through importlib.resources: they ship inside the package, so reading them is loading code
data, not business I/O. Every code a person sees gets a plain-English text; a code missing from
the tables (retired, payer-specific or simply not listed yet) is category `other`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

# Tie-break order when two denial adjustments of different categories have the same amount:
# the earlier category wins.
CATEGORY_PRECEDENCE: tuple[str, ...] = (
    "authorization",
    "eligibility",
    "timely_filing",
    "credentialing",
    "coding",
    "medical_necessity",
    "benefit_limit",
    "missing_info",
    "duplicate",
    "other",
)
NOT_DENIAL = "not_denial"
OTHER = "other"
# Action for a code we do not know: a person has to read the remittance.
UNKNOWN_ACTION = "review_remittance"

GROUP_DESCRIPTIONS = MappingProxyType(
    {
        "CO": "Contractual obligation (the provider's liability)",
        "PR": "Patient responsibility",
        "OA": "Other adjustment",
        "PI": "Payer-initiated reduction",
    }
)


@dataclass(frozen=True, slots=True)
class Carc:
    code: str
    category: str
    action: str
    description: str
    known: bool

    @property
    def is_denial(self) -> bool:
        return self.category != NOT_DENIAL


@dataclass(frozen=True, slots=True)
class Rarc:
    code: str
    # A denial category, "not_appealable", or "" when the remark changes nothing.
    hint: str
    description: str
    known: bool


def normalize(code: str) -> str:
    """Codes are compared without spaces, upper case, and numeric CARCs without leading zeros."""
    code = code.strip().upper()
    if code.isdigit():
        return code.lstrip("0") or "0"
    return code


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("denialdesk.domain").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def carc_table() -> MappingProxyType[str, Carc]:
    rows = _rows("carc-categories.csv")
    table = {
        normalize(row["carc"]): Carc(
            normalize(row["carc"]), row["category"], row["action"], row["description"], True
        )
        for row in rows
    }
    unknown = {c.category for c in table.values()} - {*CATEGORY_PRECEDENCE, NOT_DENIAL}
    if unknown:  # a typo in the data file must not silently create a new category
        raise RuntimeError(f"carc-categories.csv has unknown categories {sorted(unknown)}")
    return MappingProxyType(table)


@cache
def rarc_table() -> MappingProxyType[str, Rarc]:
    rows = _rows("rarc-notes.csv")
    return MappingProxyType(
        {
            normalize(row["rarc"]): Rarc(
                normalize(row["rarc"]), row["hint"], row["description"], True
            )
            for row in rows
        }
    )


def carc(code: str) -> Carc:
    """The table row for a CARC, or category `other` with a text saying the code is unknown."""
    key = normalize(code)
    found = carc_table().get(key)
    if found is not None:
        return found
    return Carc(key, OTHER, UNKNOWN_ACTION, f"Unknown adjustment reason code {key}", False)


def rarc(code: str) -> Rarc:
    key = normalize(code)
    found = rarc_table().get(key)
    if found is not None:
        return found
    return Rarc(key, "", f"Unknown remark code {key}", False)


def is_denial(code: str) -> bool:
    """Whether an adjustment reason denies money. PR-1/2/3, CO-45, OA-23, CO-253 and the other
    `not_denial` rows do not, whatever their group; every other code does (an unknown one
    too: it needs a person to look at it)."""
    return carc(code).is_denial


def group_description(group: str) -> str:
    return GROUP_DESCRIPTIONS.get(group.strip().upper(), f"Unknown adjustment group {group}")


def is_category_hint(hint: str) -> bool:
    """A RARC hint that names a denial category (as opposed to `not_appealable`)."""
    return hint in CATEGORY_PRECEDENCE
