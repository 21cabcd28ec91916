"""Static tables for the demo data: two practices, their payers, clinicians, users and name pools.

Everything here is invented (names, addresses, tax ids, member ids, payer ids); it only has the
shape of real data so the scrubber, letters and payer simulator have something realistic to
work on. app/seed.py turns these tables into rows.
"""

from __future__ import annotations

from typing import NamedTuple

# The random generators' seed: with the same seeding day, the data is the same on every machine.
SEED = "denialdesk-demo-1"


class DemoLogin(NamedTuple):
    username: str
    role: str
    practices: tuple[str, ...]  # empty: every practice (admin)
    password: str


BOTH = ("calm-psych", "harbor-recovery")
# Known passwords: the reason seed-demo refuses to run outside dev mode.
USERS = (
    DemoLogin("spec", "specialist", BOTH, "spec-demo-pass"),
    DemoLogin("spec2", "specialist", ("calm-psych",), "spec2-demo-pass"),
    DemoLogin("super", "supervisor", BOTH, "super-demo-pass"),
    DemoLogin("admin", "admin", (), "admin-demo-pass"),
    DemoLogin("integration", "integration", BOTH, "integration-demo-pass"),
)
# Who works the practice's default queue (admins and integrations do not take tasks).
QUEUE_ROLES = ("specialist", "supervisor")
DEFAULT_QUEUE = "All work"

PRACTICES = (
    {
        "slug": "calm-psych",
        "legal_name": "Calm Waters Psychiatric Associates, P.C.",
        "kind": "psychiatry",
        "npi_stem": "164938201",
        "tax_id": "232874519",
        "address1": "1520 Locust Street",
        "address2": "Suite 400",
        "city": "Philadelphia",
        "state": "PA",
        "zip": "191021234",
        "phone": "2155550143",
        "taxonomy": "2084P0800X",  # psychiatry
        "time_zone": "America/New_York",
        "part2_program": False,
        "write_off_threshold": "100.00",
    },
    {
        "slug": "harbor-recovery",
        "legal_name": "Harbor Recovery Center, Inc.",
        "kind": "substance_use",
        "npi_stem": "188273640",
        "tax_id": "364418273",
        "address1": "2250 W Ogden Avenue",
        "address2": None,
        "city": "Chicago",
        "state": "IL",
        "zip": "606123456",
        "phone": "3125550178",
        "taxonomy": "261QR0405X",  # substance use rehabilitation clinic
        "time_zone": "America/Chicago",
        "part2_program": True,  # 42 CFR Part 2 program
        "write_off_threshold": "75.00",
    },
)

# Where each practice's patients live: (city, state, zip).
PATIENT_TOWNS = {
    "calm-psych": (
        ("Philadelphia", "PA", "19103"),
        ("Philadelphia", "PA", "19143"),
        ("Philadelphia", "PA", "19146"),
        ("Upper Darby", "PA", "19082"),
        ("Norristown", "PA", "19401"),
        ("Media", "PA", "19063"),
    ),
    "harbor-recovery": (
        ("Chicago", "IL", "60614"),
        ("Chicago", "IL", "60629"),
        ("Chicago", "IL", "60644"),
        ("Cicero", "IL", "60804"),
        ("Oak Park", "IL", "60302"),
        ("Evanston", "IL", "60201"),
    ),
}

# Plan mix of each practice's patients: payer key -> how many patients it covers as primary.
PATIENT_MIX = {
    "calm-psych": {"medicare": 6, "medicaid": 6, "evergreen": 7, "crestline": 6, "northstar": 5},
    "harbor-recovery": {
        "medicare": 3,
        "medicaid": 8,
        "evergreen": 4,
        "crestline": 3,
        "northstar": 2,
    },
}

# (first name, last name, credential, individual taxonomy)
PROVIDERS = {
    "calm-psych": (
        ("Anita", "Raman", "MD", "2084P0800X"),  # psychiatry
        ("Marcus", "Bell", "MD", "2084P0804X"),  # child and adolescent psychiatry
        ("Julia", "Ortiz", "NP", "363LP0808X"),  # psychiatric/mental health NP
        ("David", "Kim", "PsyD", "103TC0700X"),  # clinical psychologist
        ("Sarah", "Goldberg", "LCSW", "1041C0700X"),  # clinical social worker
        ("Thomas", "Brennan", "LPC", "101YP2500X"),  # professional counselor
        ("Priya", "Shah", "LMFT", "106H00000X"),  # marriage and family therapist
    ),
    "harbor-recovery": (
        ("Robert", "Mensah", "MD", "2084P0802X"),  # addiction psychiatry
        ("Lena", "Novak", "NP", "363LP0808X"),
        ("James", "Whitfield", "LCSW", "1041C0700X"),
        ("Maria", "Delgado", "LPC", "101YP2500X"),
        ("Kevin", "O'Neil", "CADC", "101YA0400X"),  # addiction (substance use) counselor
    ),
}

PSYCHOTHERAPY = ("90832", "90834", "90837", "90846", "90847", "90853")
PRESCRIBER_ONLY = ("90792", "99213", "99214", "99215")
SUD_PROGRAM = ("H0001", "H0004", "H0005", "H0015", "H2036")
PRESCRIBERS = ("MD", "DO", "NP", "PA")
ALL_THERAPISTS = PRESCRIBERS + ("PhD", "PsyD", "LCSW", "LPC", "LMFT", "LMHC")


def _allowed(codes: tuple[str, ...], credentials: tuple[str, ...]) -> dict[str, list[str]]:
    return {code: list(credentials) for code in codes}


def _levels(*levels: tuple[str, int, str]) -> list[dict]:
    return [
        {"level": number, "name": name, "window_days": days, "address": address}
        for number, (name, days, address) in enumerate(levels, start=1)
    ]


def payers_for(practice: dict) -> dict[str, dict]:
    """The five payers a practice bills, keyed by a short name used by the seed.

    The same national plans appear in both practices with different contracted rules, as in
    real life; the Medicare contractor and Medicaid plan follow the practice's state.
    """
    sud = practice["kind"] == "substance_use"
    pa = practice["state"] == "PA"
    medicare_id, medicare_name = ("12502", "Medicare Part B (Jurisdiction L)")
    if not pa:
        medicare_id, medicare_name = ("06102", "Medicare Part B (Jurisdiction 6)")
    return {
        "medicare": {
            "name": medicare_name,
            "payer_id": medicare_id,
            "remittance_ids": ["1" + ("256009187" if pa else "396104526"), medicare_id],
            "plan_type": "medicare_b",
            "filing_indicator": "MB",
            "correction_method": "reopening",
            "appeal_levels": _levels(
                (
                    "Redetermination",
                    120,
                    "Part B Redeterminations, P.O. Box 3702, Camp Hill PA 17001",
                ),
                (
                    "Reconsideration (QIC)",
                    180,
                    "QIC Part B North, P.O. Box 8155, Columbia SC 29202",
                ),
            ),
            "timely_filing_days": 365,
            "processing_days": 30,
            "address": ("P.O. Box 3704", "Camp Hill", "PA", "17001"),
            "rules": {
                "auth_required_codes": [],
                "telehealth": {"places_of_service": ["02", "10"], "modifier": "95"},
                "audio_only_modifier": "93",
                # Since 2024 Medicare pays LMFTs and counselors, but not for 90792 or E/M.
                "credentials_allowed": _allowed(PSYCHOTHERAPY, ALL_THERAPISTS)
                | _allowed(PRESCRIBER_ONLY, PRESCRIBERS),
                "renewal_notice_days": 14,
            },
        },
        "medicaid": {
            "name": "Liberty Bell Health Partners" if pa else "Lakeshore Community Care",
            "payer_id": "77062" if pa else "68069",
            "remittance_ids": ["1" + ("231772044" if pa else "364921870")],
            "plan_type": "medicaid_mco",
            "filing_indicator": "HM" if pa else "MC",
            "correction_method": "replacement_7",
            "appeal_levels": _levels(
                ("Plan appeal", 60, "Provider Appeals, P.O. Box 7218, London KY 40742"),
                ("State fair hearing", 120, "Bureau of Hearings and Appeals, P.O. Box 2675"),
            ),
            "timely_filing_days": 95,
            "processing_days": 30,
            "address": ("P.O. Box 7217", "London", "KY", "40742"),
            "rules": {
                "auth_required_codes": ["H0015", "H2036", "H0004"]
                if sud
                else ["90837", "90847", "96130", "96131"],
                "visit_limit_per_year": 24,
                "telehealth": {"places_of_service": ["02"], "modifier": "95"},
                "credentials_allowed": _allowed(PSYCHOTHERAPY, ALL_THERAPISTS)
                | _allowed(PRESCRIBER_ONLY, PRESCRIBERS)
                | _allowed(SUD_PROGRAM, ALL_THERAPISTS + ("CADC",)),
                "renewal_notice_days": 14,
            },
        },
        "evergreen": {
            "name": "Evergreen Mutual Health",
            "payer_id": "87726",
            "remittance_ids": ["1411289245"],
            "plan_type": "commercial",
            "filing_indicator": "CI",
            "correction_method": "replacement_7",
            "appeal_levels": _levels(
                (
                    "Reconsideration",
                    365,
                    "Evergreen Appeals, P.O. Box 30559, Salt Lake City UT 84130",
                ),
                (
                    "Second-level appeal",
                    365,
                    "Evergreen Appeals, P.O. Box 30573, Salt Lake City UT 84130",
                ),
            ),
            "timely_filing_days": 90,
            "processing_days": 21,
            "address": ("P.O. Box 30555", "Salt Lake City", "UT", "84130"),
            "rules": {
                "auth_required_codes": ["H0015"] if sud else ["96130", "96131"],
                "telehealth": {"places_of_service": ["10"], "modifier": "95"},
                "credentials_allowed": _allowed(PSYCHOTHERAPY, ALL_THERAPISTS)
                | _allowed(PRESCRIBER_ONLY, PRESCRIBERS),
                "renewal_notice_days": 10,
            },
        },
        "crestline": {
            "name": "Crestline Blue Cross Blue Shield",
            "payer_id": "00710" if pa else "00621",
            "remittance_ids": [
                "1" + ("230432930" if pa else "360778215"),
                "00710" if pa else "00621",
            ],
            "plan_type": "commercial",
            "filing_indicator": "BL",
            "correction_method": "replacement_7",
            "appeal_levels": _levels(
                (
                    "Provider appeal",
                    180,
                    "Crestline Provider Appeals, P.O. Box 13985, Philadelphia PA 19101",
                ),
                (
                    "External review",
                    120,
                    "Crestline External Review, P.O. Box 13986, Philadelphia PA 19101",
                ),
            ),
            "timely_filing_days": 180,
            "processing_days": 30,
            "address": ("P.O. Box 13980", "Philadelphia", "PA", "19101"),
            "rules": {
                "auth_required_codes": ["H0015", "H2036"] if sud else [],
                "visit_limit_per_year": 30,
                "telehealth": {"places_of_service": ["02"], "modifier": "95"},
                # This plan does not credential counselors or family therapists.
                "credentials_allowed": _allowed(
                    PSYCHOTHERAPY, tuple(c for c in ALL_THERAPISTS if c not in ("LPC", "LMFT"))
                )
                | _allowed(PRESCRIBER_ONLY, PRESCRIBERS),
                "renewal_notice_days": 14,
            },
        },
        "northstar": {
            "name": "Northstar Employer Benefits",
            "payer_id": "62308",
            "remittance_ids": ["1592847310"],
            "plan_type": "erisa",  # self-funded employer plans it administers
            "filing_indicator": "CI",
            "correction_method": "new_claim",
            "appeal_levels": _levels(
                (
                    "First-level appeal",
                    180,
                    "Northstar Appeals Unit, P.O. Box 188011, Chattanooga TN 37422",
                ),
                (
                    "Second-level appeal",
                    60,
                    "Northstar Appeals Unit, P.O. Box 188011, Chattanooga TN 37422",
                ),
            ),
            "timely_filing_days": 365,
            "processing_days": 30,
            "address": ("P.O. Box 188004", "Chattanooga", "TN", "37422"),
            "rules": {
                "auth_required_codes": ["H0015"] if sud else [],
                "telehealth": {"places_of_service": ["02", "10"], "modifier": "95"},
                "audio_only_modifier": "93",
                "credentials_allowed": _allowed(PSYCHOTHERAPY, ALL_THERAPISTS)
                | _allowed(PRESCRIBER_ONLY, PRESCRIBERS),
                "renewal_notice_days": 14,
            },
        },
    }


FEMALE_NAMES = (
    "Olivia", "Emma", "Ava", "Sophia", "Isabella", "Mia", "Amelia", "Harper", "Evelyn", "Abigail",
    "Grace", "Chloe", "Camila", "Aaliyah", "Maya", "Nora", "Lucia", "Hannah", "Zoe", "Leah",
    "Denise", "Patricia", "Linda", "Carmen", "Gloria", "Rosa", "Janet", "Brenda",
)  # fmt: skip
MALE_NAMES = (
    "Liam", "Noah", "Elijah", "James", "Benjamin", "Lucas", "Mason", "Ethan", "Logan", "Jacob",
    "Mateo", "Daniel", "Caleb", "Isaiah", "Owen", "Dylan", "Andre", "Samuel", "Tyrone", "Wei",
    "Gerald", "Raymond", "Walter", "Harold", "Dennis", "Luis", "Frank", "Curtis",
)  # fmt: skip
LAST_NAMES = (
    "Anderson", "Baker", "Castillo", "Dawson", "Edwards", "Fitzgerald", "Guzman", "Hayes",
    "Ibrahim", "Jackson", "Kowalski", "Lindqvist", "Morales", "Nguyen", "Okafor", "Petrov",
    "Quinn", "Reyes", "Sullivan", "Tran", "Underwood", "Vasquez", "Washington", "Xu", "Yilmaz",
    "Zielinski", "Brooks", "Chavez", "Delaney", "Foster", "Gallagher", "Holloway", "Jimenez",
    "Kaplan", "Marsh", "Novak", "Ortega", "Patel", "Romano", "Stewart",
)  # fmt: skip
STREETS = (
    "Walnut St", "Chestnut St", "Spruce St", "Pine St", "Oak Ave", "Maple Ave", "Cedar Ln",
    "Elm St", "Park Ave", "Washington Blvd", "Lincoln Ave", "Grant St", "Lake St", "Ridge Rd",
    "Highland Ave", "Jefferson St", "Madison Ave", "Franklin St", "Church St", "Mill Rd",
)  # fmt: skip
