"""Clinician credentials and who counts as a prescriber."""

from __future__ import annotations

CREDENTIALS: dict[str, str] = {
    "MD": "Doctor of medicine",
    "DO": "Doctor of osteopathic medicine",
    "NP": "Nurse practitioner",
    "APRN": "Advanced practice registered nurse",
    "PMHNP": "Psychiatric mental health nurse practitioner",
    "CNS": "Clinical nurse specialist",
    "PA": "Physician assistant",
    "PHD": "Psychologist (PhD)",
    "PSYD": "Psychologist (PsyD)",
    "LCSW": "Licensed clinical social worker",
    "LICSW": "Licensed independent clinical social worker",
    "LPC": "Licensed professional counselor",
    "LMHC": "Licensed mental health counselor",
    "LMFT": "Licensed marriage and family therapist",
    "LCADC": "Licensed clinical alcohol and drug counselor",
    "CADC": "Certified alcohol and drug counselor",
    "LADC": "Licensed alcohol and drug counselor",
    "CPRS": "Certified peer recovery specialist",
}

# May bill 90792 and E/M visits unless a payer's rules say otherwise.
PRESCRIBERS = frozenset({"MD", "DO", "NP", "APRN", "PMHNP", "CNS", "PA"})


def normalize_credential(value: str) -> str:
    """'Ph.D.' and 'PhD' are the same credential."""
    return value.replace(".", "").replace(" ", "").upper()


def is_prescriber(credential: str) -> bool:
    return normalize_credential(credential) in PRESCRIBERS


def describe_credential(credential: str) -> str:
    return CREDENTIALS.get(normalize_credential(credential), credential)


# Education level of a credential, for the HCPCS level modifiers. Credentials whose level
# varies by state or person (CADC, LADC, CPRS) have none: the modifier is not judged for them.
DOCTORAL = frozenset({"MD", "DO", "PHD", "PSYD"})
MASTERS = frozenset(
    {"NP", "APRN", "PMHNP", "CNS", "PA", "LCSW", "LICSW", "LPC", "LMHC", "LMFT", "LCADC"}
)

# Modifier -> (what it says, the credentials it fits, or None: any below master's level).
LEVEL_MODIFIERS: dict[str, tuple[str, frozenset[str] | None]] = {
    "HP": ("doctoral level", DOCTORAL),
    "HO": ("master's degree level", MASTERS),
    "HN": ("bachelor's degree level", None),
    "AH": ("clinical psychologist", frozenset({"PHD", "PSYD"})),
    "AJ": ("clinical social worker", frozenset({"LCSW", "LICSW"})),
}


def level_modifier_mismatch(modifier: str, credential: str) -> str | None:
    """What the clinician-level `modifier` says when the `credential` contradicts it, else
    None (also for a credential this table does not know: it is not judged)."""
    found = LEVEL_MODIFIERS.get(modifier.strip().upper())
    credential = normalize_credential(credential)
    if found is None or credential not in CREDENTIALS:
        return None
    meaning, fits = found
    if fits is None:  # bachelor's level: any credential not at master's or doctoral level
        return meaning if credential in DOCTORAL | MASTERS else None
    return None if credential in fits else meaning
