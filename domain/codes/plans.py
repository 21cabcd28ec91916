"""Payer plan types, SBR09 claim filing indicators and correction methods."""

from __future__ import annotations

PLAN_TYPES: dict[str, str] = {
    "medicare_b": "Medicare Part B",
    "medicare_advantage": "Medicare Advantage",
    "medicaid_ffs": "Medicaid fee-for-service",
    "medicaid_mco": "Medicaid managed care",
    "commercial": "Commercial",
    "erisa": "Employer self-funded (ERISA)",
}

# SBR09 in the 837P (X12 code list 1032).
FILING_INDICATORS: dict[str, str] = {
    "11": "Other non-federal program",
    "12": "Preferred provider organization (PPO)",
    "13": "Point of service (POS)",
    "14": "Exclusive provider organization (EPO)",
    "15": "Indemnity insurance",
    "16": "Health maintenance organization (HMO) Medicare risk",
    "17": "Dental maintenance organization",
    "AM": "Automobile medical",
    "BL": "Blue Cross/Blue Shield",
    "CH": "CHAMPUS (TRICARE)",
    "CI": "Commercial insurance",
    "DS": "Disability",
    "FI": "Federal Employees Program",
    "HM": "Health maintenance organization",
    "LM": "Liability medical",
    "MA": "Medicare Part A",
    "MB": "Medicare Part B",
    "MC": "Medicaid",
    "OF": "Other federal program",
    "TV": "Title V",
    "VA": "Veterans Affairs plan",
    "WC": "Workers' compensation",
    "ZZ": "Mutually defined",
}

# What a new payer of a plan type gets until an admin says otherwise.
DEFAULT_FILING_INDICATOR: dict[str, str] = {
    "medicare_b": "MB",
    "medicare_advantage": "16",
    "medicaid_ffs": "MC",
    "medicaid_mco": "MC",
    "commercial": "CI",
    "erisa": "CI",
}

CORRECTION_METHODS: dict[str, str] = {
    "replacement_7": "Replacement claim (frequency 7 with the payer's claim number)",
    "new_claim": "New original claim (frequency 1)",
    # Medicare Part B takes no replacement for a processed professional claim.
    "reopening": "Reopening request to the contractor",
}

DEFAULT_CORRECTION_METHOD: dict[str, str] = {
    "medicare_b": "reopening",
    "medicare_advantage": "replacement_7",
    "medicaid_ffs": "replacement_7",
    "medicaid_mco": "replacement_7",
    "commercial": "replacement_7",
    "erisa": "replacement_7",
}

# Plans whose benefit-limit denials can be argued under mental health parity (MHPAEA).
PARITY_PLAN_TYPES = frozenset({"commercial", "erisa", "medicaid_mco"})
