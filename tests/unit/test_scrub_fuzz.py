"""The scrubber answers every claim with findings, never with an exception: odd input is what
it exists to explain."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from test_scrub_builders import DOS, authorization, claim_input, line, payer, psychiatrist, run

from denialdesk.domain.codes.procedures import PROCEDURES
from denialdesk.domain.scrubber import Finding

_codes = st.sampled_from(sorted(PROCEDURES)) | st.text(max_size=6)
_lines = st.builds(
    lambda code, minutes, units, pointers, modifiers, place, day, psychiatry: line(
        code,
        minutes=minutes,
        units=Decimal(units),
        dx_pointers=tuple(pointers),
        modifiers=tuple(modifiers),
        place_of_service=place,
        service_date=DOS - timedelta(days=day),
        rendering=psychiatrist() if psychiatry else None,
    ),
    _codes,
    st.none() | st.integers(min_value=-5, max_value=300),
    st.integers(min_value=-1, max_value=20),
    st.lists(st.integers(min_value=-1, max_value=14), max_size=6),
    st.lists(st.sampled_from(["95", "93", "GT", "HF", "25", "59", "XE", "X", "hf"]), max_size=5),
    st.sampled_from(["02", "10", "11", "12", "53", "57", "99", "XX", ""]),
    st.integers(min_value=-3, max_value=800),
    st.booleans(),
)
_diagnoses = st.lists(
    st.sampled_from(["F32.9", "F32", "F10.20", "F1120", "Z63.0", "F41.1", "XYZ", "", "f33.1"]),
    max_size=14,
)


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(_lines, max_size=8),
    diagnoses=_diagnoses,
    frequency=st.sampled_from(["1", "7", "8", "x"]),
    with_auth=st.booleans(),
    visits=st.none() | st.integers(min_value=0, max_value=40),
)
def test_any_claim_gets_findings_not_an_exception(lines, diagnoses, frequency, with_auth, visits):
    rules = {"auth_required_codes": ["90837", "H0015"], "visit_limit_per_year": 20}
    ci = claim_input(
        *lines,
        diagnoses=tuple(diagnoses),
        frequency=frequency,
        payer=payer(rules, timely_filing_days=365),
        authorization=authorization() if with_auth else None,
    )
    if not lines:  # the builder fills in a default line; take it out again
        ci = dataclasses.replace(ci, claim=dataclasses.replace(ci.claim, lines=()))
    findings = run(ci, visits_this_year=visits)
    assert all(isinstance(f, Finding) and f.message for f in findings)
    assert all(f.line is None or 1 <= f.line <= len(ci.claim.lines) for f in findings)
