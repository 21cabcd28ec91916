"""ICD-10-CM diagnoses: billable or not, plain-English description, mental or substance use.

Backed by simple-icd-10-cm. The library ships one release of the code set (the one in force
as it was packaged), not the history, so a code is checked against that set rather than the
set in force on the date of service; `CODE_SET` names it. Codes are accepted with or without
the dot and in any case; X12 wants them without the dot (`x12_form`).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache
from types import ModuleType

CODE_SET = "ICD-10-CM as shipped with simple-icd-10-cm"

_FORMAT = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")


@dataclass(frozen=True)
class Diagnosis:
    code: str  # dotted form, e.g. F32.9
    description: str
    billable: bool  # a valid code with no children; a category is not billable
    children: tuple[str, ...]  # the more specific codes to choose from when not billable

    @property
    def mental_health(self) -> bool:
        return is_mental_health(self.code)

    @property
    def substance_use(self) -> bool:
        return is_substance_use(self.code)


@cache
def _icd() -> ModuleType:
    # Imported on first use: loading the code set takes about two seconds, and most importers
    # of the domain (workflows, the web app) never look a diagnosis up.
    with warnings.catch_warnings():
        # The library loads its data with importlib APIs Python deprecates; not our concern.
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm  # loads the code set on import
    return simple_icd_10_cm


def normalize(code: str) -> str:
    """Upper case, no surrounding blanks, no dot: the X12 form."""
    return code.strip().upper().replace(".", "")


def x12_form(code: str) -> str:
    return normalize(code)


def dotted(code: str) -> str:
    bare = normalize(code)
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


@cache
def lookup(code: str) -> Diagnosis | None:
    """The code as the code set knows it, or None when it is not an ICD-10-CM code at all."""
    bare = normalize(code)
    # The library also knows chapters ("5") and blocks ("F10-F19"); the pattern keeps them out.
    if not _FORMAT.match(bare):
        return None
    icd = _icd()
    if not icd.is_valid_item(bare):
        return None
    leaf = bool(icd.is_leaf(bare))
    return Diagnosis(
        code=dotted(bare),
        description=icd.get_description(bare),
        billable=leaf,
        children=() if leaf else tuple(icd.get_children(bare)),
    )


def is_billable(code: str) -> bool:
    found = lookup(code)
    return found is not None and found.billable


def describe_diagnosis(code: str) -> str:
    found = lookup(code)
    return found.description if found else f"Unknown diagnosis code {code.strip()}"


def _f_number(code: str) -> int | None:
    bare = normalize(code)
    if len(bare) >= 3 and bare[0] == "F" and bare[1:3].isdigit():
        return int(bare[1:3])
    return None


def is_mental_health(code: str) -> bool:
    """Chapter 5, mental and behavioural disorders: F01–F99 (substance use included)."""
    number = _f_number(code)
    return number is not None and 1 <= number <= 99


def is_substance_use(code: str) -> bool:
    """Mental and behavioural disorders due to psychoactive substance use: F10–F19."""
    number = _f_number(code)
    return number is not None and 10 <= number <= 19
