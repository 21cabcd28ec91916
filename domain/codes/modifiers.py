"""Procedure modifiers met on behavioral-health claims, with plain-English meaning."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Modifier:
    code: str
    description: str
    obsolete: bool = False
    use_instead: str | None = None


_M = Modifier

MODIFIERS: dict[str, Modifier] = {
    m.code: m
    for m in (
        _M("95", "Telehealth, real-time audio and video"),
        _M("93", "Telehealth, audio only"),
        _M("FQ", "Audio-only service (rural health clinic or FQHC)"),
        # CMS retired GT for professional claims in 2018; payers answer it with CO-4, except
        # those whose own telehealth rule still names it (their rule wins in the scrubber).
        _M("GT", "Telehealth via interactive audio and video (retired)", True, "95"),
        _M("GQ", "Telehealth, asynchronous (store and forward)"),
        _M("HF", "Substance abuse program"),
        _M("HE", "Mental health program"),
        _M("HO", "Master's degree level clinician"),
        _M("HN", "Bachelor's degree level clinician"),
        _M("HP", "Doctoral level clinician"),
        _M("HQ", "Group setting"),
        _M("HA", "Child or adolescent program"),
        _M("HB", "Adult program, non-geriatric"),
        _M("AH", "Clinical psychologist"),
        _M("AJ", "Clinical social worker"),
        _M("25", "Significant, separately identifiable E/M service the same day"),
        _M("59", "Distinct procedural service"),
        _M("XE", "Separate encounter"),
        _M("XS", "Separate structure or organ"),
        _M("XP", "Separate practitioner"),
        _M("XU", "Unusual non-overlapping service"),
        _M("GA", "Waiver of liability (ABN) on file"),
        _M("GY", "Statutorily excluded service"),
        _M("GZ", "Expected denial, no waiver of liability on file"),
        _M("KX", "Requirements in the medical policy met"),
    )
}

TELEHEALTH_MODIFIERS = frozenset({"95", "93", "FQ", "GT", "GQ"})
AUDIO_ONLY_MODIFIERS = frozenset({"93", "FQ"})
# Modifiers that say two services the same day were separate, so bundling rules do not apply.
DISTINCT_SERVICE_MODIFIERS = frozenset({"59", "XE", "XS", "XP", "XU"})
# The precise subsets of 59 (separate encounter, structure, practitioner, unusual service):
# one of them replaces 59 on a line, never goes with it.
X_MODIFIERS = frozenset({"XE", "XS", "XP", "XU"})
# The program a line is billed to (codes.procedures.program_of).
SUBSTANCE_USE_MODIFIER = "HF"
MENTAL_HEALTH_MODIFIER = "HE"

_FORMAT = re.compile(r"^[A-Z0-9]{2}$")


def normalize_modifier(code: str) -> str:
    return code.strip().upper()


def is_modifier_format(code: str) -> bool:
    return bool(_FORMAT.match(normalize_modifier(code)))


def describe_modifier(code: str) -> str:
    found = MODIFIERS.get(normalize_modifier(code))
    return found.description if found else f"Modifier {normalize_modifier(code)}"
