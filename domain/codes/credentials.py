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
