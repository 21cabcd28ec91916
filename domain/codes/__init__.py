"""Code sets: procedures (CPT/HCPCS), modifiers, places of service, ICD-10-CM, plan types."""

from denialdesk.domain.codes.credentials import PRESCRIBERS, is_prescriber, normalize_credential
from denialdesk.domain.codes.diagnoses import (
    describe_diagnosis,
    is_billable,
    is_mental_health,
    is_substance_use,
)
from denialdesk.domain.codes.modifiers import MODIFIERS, describe_modifier
from denialdesk.domain.codes.places import PLACES_OF_SERVICE, TELEHEALTH_PLACES, describe_place
from denialdesk.domain.codes.plans import (
    CORRECTION_METHODS,
    DEFAULT_FILING_INDICATOR,
    FILING_INDICATORS,
    PLAN_TYPES,
)
from denialdesk.domain.codes.procedures import PROCEDURES, describe_procedure

__all__ = [
    "CORRECTION_METHODS",
    "DEFAULT_FILING_INDICATOR",
    "FILING_INDICATORS",
    "MODIFIERS",
    "PLACES_OF_SERVICE",
    "PLAN_TYPES",
    "PRESCRIBERS",
    "PROCEDURES",
    "TELEHEALTH_PLACES",
    "describe_diagnosis",
    "describe_modifier",
    "describe_place",
    "describe_procedure",
    "is_billable",
    "is_mental_health",
    "is_prescriber",
    "is_substance_use",
    "normalize_credential",
]
