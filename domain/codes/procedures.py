"""CPT and HCPCS codes billed in behavioral health: plain-English names, time rules, add-ons.

The time ranges follow the CPT time rule (a unit of time is attained once its midpoint is
passed), which is why 90832 starts at 16 minutes and 90834 at 38. Codes outside this table
may still be valid CPT/HCPCS codes; callers treat an unknown code as "no rule", not an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from denialdesk.domain.codes.em import EM_CODES, EM_VISITS, TELEMEDICINE_EM_VISITS
from denialdesk.domain.codes.modifiers import MENTAL_HEALTH_MODIFIER, SUBSTANCE_USE_MODIFIER


class Kind(StrEnum):
    DIAGNOSTIC = "diagnostic"
    PSYCHOTHERAPY = "psychotherapy"
    PSYCHOTHERAPY_ADD_ON = "psychotherapy_add_on"
    CRISIS = "crisis"
    CRISIS_ADD_ON = "crisis_add_on"
    FAMILY = "family"
    GROUP = "group"
    INTERACTIVE_COMPLEXITY = "interactive_complexity"
    EVALUATION_MANAGEMENT = "evaluation_management"
    SUBSTANCE_USE = "substance_use"
    COMMUNITY = "community_mental_health"
    TESTING = "testing"


class Unit(StrEnum):
    """What one billed unit stands for; drives the unit-count check."""

    SERVICE = "service"  # one per session or encounter, whatever its length
    SESSION = "session"  # each full session; a day may hold several (partial hospitalization)
    MINUTES_15 = "15_minutes"
    MINUTES_30 = "30_minutes"
    DAY = "day"  # per diem
    HOUR = "hour"


@dataclass(frozen=True)
class Procedure:
    code: str
    description: str
    kind: Kind
    unit: Unit = Unit.SERVICE
    min_minutes: int | None = None
    max_minutes: int | None = None  # None with min_minutes set: "and over"
    add_on: bool = False
    prescriber_only: bool = False  # needs MD/DO/NP/PA unless the payer's rules say otherwise
    substance_use: bool = False  # the line treats a substance-use disorder (F10–F19 first)
    mental_health: bool = False  # the line treats a mental disorder (F01–F99 first)
    once_per_day: bool = False
    # A typical session, for what a scheduled visit will bill on a units authorization.
    session_minutes: int = 60


_P, _K, _U = Procedure, Kind, Unit
_MH = {"mental_health": True}
_SUD = {"substance_use": True}

_BEHAVIORAL: tuple[Procedure, ...] = (
    _P("90791", "Psychiatric diagnostic evaluation", _K.DIAGNOSTIC, **_MH),
    _P(
        "90792",
        "Psychiatric diagnostic evaluation with medical services",
        _K.DIAGNOSTIC,
        prescriber_only=True,
        **_MH,
    ),
    _P(
        "90832",
        "Psychotherapy, 30 minutes (16–37)",
        _K.PSYCHOTHERAPY,
        min_minutes=16,
        max_minutes=37,
        **_MH,
    ),
    _P(
        "90834",
        "Psychotherapy, 45 minutes (38–52)",
        _K.PSYCHOTHERAPY,
        min_minutes=38,
        max_minutes=52,
        **_MH,
    ),
    _P("90837", "Psychotherapy, 60 minutes (53 and over)", _K.PSYCHOTHERAPY, min_minutes=53, **_MH),
    _P(
        "90833",
        "Psychotherapy add-on with a medical visit, 30 minutes (16–37)",
        _K.PSYCHOTHERAPY_ADD_ON,
        min_minutes=16,
        max_minutes=37,
        add_on=True,
        prescriber_only=True,  # billed with the prescriber's E/M visit
        **_MH,
    ),
    _P(
        "90836",
        "Psychotherapy add-on with a medical visit, 45 minutes (38–52)",
        _K.PSYCHOTHERAPY_ADD_ON,
        min_minutes=38,
        max_minutes=52,
        add_on=True,
        prescriber_only=True,  # billed with the prescriber's E/M visit
        **_MH,
    ),
    _P(
        "90838",
        "Psychotherapy add-on with a medical visit, 60 minutes (53 and over)",
        _K.PSYCHOTHERAPY_ADD_ON,
        min_minutes=53,
        add_on=True,
        prescriber_only=True,  # billed with the prescriber's E/M visit
        **_MH,
    ),
    _P(
        "90839",
        "Psychotherapy for crisis, first 60 minutes (30–74)",
        _K.CRISIS,
        min_minutes=30,
        max_minutes=74,
        once_per_day=True,
        **_MH,
    ),
    _P(
        "90840",
        "Psychotherapy for crisis, each additional 30 minutes",
        _K.CRISIS_ADD_ON,
        unit=_U.MINUTES_30,
        add_on=True,
        **_MH,
    ),
    _P(
        "90846",
        "Family psychotherapy without the patient, 50 minutes (26 and over)",
        _K.FAMILY,
        min_minutes=26,
        **_MH,
    ),
    _P(
        "90847",
        "Family psychotherapy with the patient, 50 minutes (26 and over)",
        _K.FAMILY,
        min_minutes=26,
        **_MH,
    ),
    _P("90849", "Multiple-family group psychotherapy", _K.FAMILY, **_MH),
    _P("90853", "Group psychotherapy", _K.GROUP, **_MH),
    _P("90785", "Interactive complexity (add-on)", _K.INTERACTIVE_COMPLEXITY, add_on=True, **_MH),
    _P(
        "90863",
        "Medication management with psychotherapy (add-on, non-prescriber states)",
        _K.PSYCHOTHERAPY_ADD_ON,
        add_on=True,
        **_MH,
    ),
    _P("90870", "Electroconvulsive therapy", _K.COMMUNITY, prescriber_only=True, **_MH),
    _P("96127", "Brief emotional or behavioral assessment (screening instrument)", _K.TESTING),
    _P("96130", "Psychological testing evaluation, first hour", _K.TESTING, unit=_U.HOUR, **_MH),
    _P(
        "96131",
        "Psychological testing evaluation, each additional hour (add-on)",
        _K.TESTING,
        unit=_U.HOUR,
        add_on=True,
        **_MH,
    ),
    _P(
        "96136",
        "Psychological test administration, first 30 minutes",
        _K.TESTING,
        unit=_U.MINUTES_30,
        **_MH,
    ),
    _P(
        "96137",
        "Psychological test administration, each additional 30 minutes (add-on)",
        _K.TESTING,
        unit=_U.MINUTES_30,
        add_on=True,
        **_MH,
    ),
    _P("H0001", "Alcohol and/or drug assessment", _K.SUBSTANCE_USE, **_SUD),
    _P(
        "H0004",
        "Behavioral health counseling and therapy, per 15 minutes",
        # Substance use or mental health: many Medicaid programs bill it for either, so the
        # line's HF/HE modifier or the payer's rule says which (program_of), not the code.
        _K.COMMUNITY,
        unit=_U.MINUTES_15,
        **_MH,
    ),
    _P("H0005", "Alcohol and/or drug group counseling by a clinician", _K.SUBSTANCE_USE, **_SUD),
    _P(
        "H0015",
        "Alcohol and/or drug intensive outpatient program, per day",
        _K.SUBSTANCE_USE,
        unit=_U.DAY,
        **_SUD,
    ),
    _P(
        "H2036",
        "Alcohol and/or drug treatment program, per day",
        _K.SUBSTANCE_USE,
        unit=_U.DAY,
        **_SUD,
    ),
    _P("H0020", "Methadone administration and/or service", _K.SUBSTANCE_USE, **_SUD),
    _P("H0031", "Mental health assessment by a non-physician", _K.COMMUNITY, **_MH),
    _P("H0032", "Mental health treatment plan development by a non-physician", _K.COMMUNITY, **_MH),
    _P("H0035", "Mental health partial hospitalization, per day", _K.COMMUNITY, unit=_U.DAY, **_MH),
    _P("H0038", "Peer support services, per 15 minutes", _K.COMMUNITY, unit=_U.MINUTES_15),
    _P(
        "H2011",
        "Crisis intervention service, per 15 minutes",
        _K.COMMUNITY,
        unit=_U.MINUTES_15,
        **_MH,
    ),
    _P(
        "H2019",
        "Therapeutic behavioral services, per 15 minutes",
        _K.COMMUNITY,
        unit=_U.MINUTES_15,
        **_MH,
    ),
    _P(
        "G0410",
        "Group psychotherapy in a partial hospitalization or intensive outpatient "
        "program, 45–50 minutes",
        _K.GROUP,
        unit=_U.SESSION,
        **_MH,
    ),
)

PROCEDURES: dict[str, Procedure] = {p.code: p for p in _BEHAVIORAL} | {
    code: Procedure(code, text, Kind.EVALUATION_MANAGEMENT, prescriber_only=True)
    for code, text in (*EM_VISITS, *TELEMEDICINE_EM_VISITS)
}

PSYCHOTHERAPY_CODES = frozenset({"90832", "90834", "90837"})
PSYCHOTHERAPY_ADD_ONS = frozenset({"90833", "90836", "90838"})
# A line with one of these treats a substance-use disorder by its code alone: H0001, H0005,
# H0015, H0020 (methadone) and H2036; H0004 only with HF or the payer's rule (program_of).
SUBSTANCE_USE_CODES = frozenset(p.code for p in _BEHAVIORAL if p.substance_use)

# An add-on is billable only with one of its primaries on the same claim and date.
ADD_ON_PRIMARIES: dict[str, frozenset[str]] = {
    **dict.fromkeys(PSYCHOTHERAPY_ADD_ONS, EM_CODES),
    "90840": frozenset({"90839"}),
    "90785": frozenset({"90791", "90792", "90853"}) | PSYCHOTHERAPY_CODES | PSYCHOTHERAPY_ADD_ONS,
    "90863": PSYCHOTHERAPY_CODES,
    "96131": frozenset({"96130"}),
    "96137": frozenset({"96136"}),
}

# Codes an add-on may never share a date with, even when a primary is present.
ADD_ON_EXCLUDED: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        PSYCHOTHERAPY_ADD_ONS,
        PSYCHOTHERAPY_CODES | {"90839", "90840", "90846", "90847"},
    ),
    "90785": frozenset({"90839", "90840"}),
}

_CODE_FORMAT = re.compile(r"^(\d{5}|\d{4}[FTU]|[A-V]\d{4})$")


def normalize_procedure(code: str) -> str:
    return code.strip().upper()


def is_procedure_format(code: str) -> bool:
    """CPT (five digits, or four and F/T/U) or HCPCS Level II (a letter and four digits)."""
    return bool(_CODE_FORMAT.match(normalize_procedure(code)))


def procedure(code: str) -> Procedure | None:
    return PROCEDURES.get(normalize_procedure(code))


def describe_procedure(code: str) -> str:
    found = procedure(code)
    return found.description if found else f"Procedure {normalize_procedure(code)}"


def psychotherapy_code_for(minutes: int, *, add_on: bool = False) -> str | None:
    """The psychotherapy code a session of `minutes` supports, or None under 16 minutes."""
    family = PSYCHOTHERAPY_ADD_ONS if add_on else PSYCHOTHERAPY_CODES
    for code in sorted(family):
        p = PROCEDURES[code]
        assert p.min_minutes is not None
        if minutes >= p.min_minutes and (p.max_minutes is None or minutes <= p.max_minutes):
            return code
    return None


def units_for_minutes(minutes: int, unit: Unit) -> int:
    """Units of a timed code `minutes` support, by the CPT time rule (a unit is attained once
    its midpoint is passed: 8 minutes of a 15-minute unit); 1 for untimed units."""
    length = {Unit.MINUTES_15: 15, Unit.MINUTES_30: 30, Unit.HOUR: 60}.get(unit)
    if length is None:
        return 1
    return minutes // length + (1 if minutes % length > length // 2 else 0)


def session_units(code: str) -> int:
    """Units one visit of `code` is expected to bill: its typical session in the code's time
    unit (a 60-minute H0004 session is 4 units); 1 for codes billed per service, session or
    day, and for codes not in the table."""
    found = procedure(code)
    if found is None:
        return 1
    return max(units_for_minutes(found.session_minutes, found.unit), 1)


class Program(StrEnum):
    """The benefit program a behavioral-health line is billed to, which decides the condition
    it must point at first."""

    SUBSTANCE_USE = "substance_use"  # HF; F10–F19 first
    MENTAL_HEALTH = "mental_health"  # HE; a mental disorder other than substance use first


def program_of(
    code: str, modifiers: Iterable[str], payer_programs: Mapping[str, str] | None = None
) -> Program | None:
    """The program the line is billed to: the line's HF or HE modifier first, then the payer's
    rule for the code (`{"H0004": "mental_health"}`), then the code itself (H0020 and the other
    SUBSTANCE_USE_CODES); None when nothing says (psychotherapy, H0004 alone)."""
    given = {modifier.strip().upper() for modifier in modifiers}
    if SUBSTANCE_USE_MODIFIER in given:
        return Program.SUBSTANCE_USE
    if MENTAL_HEALTH_MODIFIER in given:
        return Program.MENTAL_HEALTH
    code = normalize_procedure(code)
    rule = (payer_programs or {}).get(code)
    if rule in tuple(Program):
        return Program(rule)
    return Program.SUBSTANCE_USE if code in SUBSTANCE_USE_CODES else None


def crisis_add_on_units(total_minutes: int) -> int:
    """90840 units for a day's crisis time: one per started 30 minutes beyond 74."""
    if total_minutes < 75:
        return 0
    return (total_minutes - 75) // 30 + 1
