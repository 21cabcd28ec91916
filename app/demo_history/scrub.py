"""The scrub of each history version, as the claim workflow's scrub activity records it.

The scrubber's own rules run on every version, with what the activity would have known at the
time (the authorization's units used so far, the patient's visits this year with a payer that
limits them, the last remittance date). One rule is left out: the ICD-10-CM look-up, which
loads the whole code set (seconds) to confirm the diagnoses; the history uses a fixed list of
billable F-chapter codes instead (app/demo_history/tables.py, checked by the tests).
A blocking finding means the generator built a claim no workflow would have sent: an error.
"""

from __future__ import annotations

import json
import re
from datetime import date

from denialdesk.domain import claim as domain
from denialdesk.domain.scrub_rules import diagnoses
from denialdesk.domain.scrubber import RULES, Finding, ScrubContext

# Every rule but the code-set look-up (see above).
HISTORY_RULES = tuple(rule for rule in RULES if rule is not diagnoses.diagnosis_codes)
# Dates of service identify a patient: the activity masks them in the stored messages.
_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


class HistoryScrubError(RuntimeError):
    """The history built a version the scrubber holds: a bug in the generator."""


def scrub_version(
    claim_input: domain.ClaimInput,
    *,
    today: date,
    version: int,
    visits_this_year: int | None,
    last_remit_date: date | None,
) -> tuple[int, str]:
    """(warnings, the `scrubbed` event's detail) for a version the payer may be sent."""
    ctx = ScrubContext(
        claim_input=claim_input,
        today=today,
        visits_this_year=visits_this_year,
        last_remit_date=last_remit_date,
    )
    findings = [finding for rule in HISTORY_RULES for finding in rule(ctx)]
    findings.sort(key=lambda f: -1 if f.line is None else f.line)
    holding = [f.code for f in findings if f.blocking]
    if holding:
        raise HistoryScrubError(f"a history claim would be held: {', '.join(holding)}")
    warnings = sum(1 for f in findings if not f.blocking)
    detail = {
        "version": version,
        "blocking": 0,
        "warnings": warnings,
        "authorization_problem": None,  # an authorization problem would have held it
        "findings": [_finding_json(f) for f in findings],
    }
    return warnings, json.dumps(detail)


def _finding_json(finding: Finding) -> dict:
    return {
        "code": finding.code,
        "line": finding.line,
        "blocking": finding.blocking,
        "message": _DATE.sub("[date]", finding.message),
    }
