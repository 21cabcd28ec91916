"""Diagnoses: billable ICD-10-CM codes, pointers in range, each line pointing first at the
condition it treats (substance use for substance-use lines, a mental disorder otherwise).

The code set is the one simple-icd-10-cm ships (see codes.diagnoses): the library holds no
history, so validity on the date of service is checked against that set.
"""

from __future__ import annotations

from collections.abc import Iterator

from denialdesk.domain.codes.diagnoses import (
    dotted,
    is_mental_health,
    is_substance_use,
    lookup,
    normalize,
)
from denialdesk.domain.codes.modifiers import MENTAL_HEALTH_MODIFIER, SUBSTANCE_USE_MODIFIER
from denialdesk.domain.codes.procedures import Program, procedure, program_of
from denialdesk.domain.scrub_rules.base import Finding, ScrubContext, code_of, modifiers_of

MAX_DIAGNOSES = 12  # HI carries a principal and eleven others
MAX_POINTERS = 4  # SV107


def diagnosis_codes(ctx: ScrubContext) -> Iterator[Finding]:
    diagnoses = ctx.claim_input.claim.diagnoses
    if not diagnoses:
        yield Finding("diagnosis_missing", "The claim has no diagnosis.")
        return
    if len(diagnoses) > MAX_DIAGNOSES:
        yield Finding(
            "too_many_diagnoses",
            f"The claim lists {len(diagnoses)} diagnoses; a claim carries at most {MAX_DIAGNOSES}.",
        )
    seen: dict[str, int] = {}
    for position, code in enumerate(diagnoses, start=1):
        bare = normalize(code)
        if bare in seen:
            yield Finding(
                "diagnosis_duplicate",
                f"Diagnosis {position} ({dotted(bare)}) repeats diagnosis {seen[bare]}.",
            )
            continue
        seen[bare] = position
        found = lookup(code)
        if found is None:
            yield Finding(
                "diagnosis_unknown",
                f"Diagnosis {position}: {code.strip()!r} is not an ICD-10-CM code.",
            )
        elif not found.billable:
            choices = ", ".join(found.children[:8])
            more = " …" if len(found.children) > 8 else ""
            yield Finding(
                "diagnosis_not_billable",
                f"Diagnosis {position}: {found.code} ({found.description}) is a category, not "
                f"a billable code; choose a more specific one: {choices}{more}.",
            )


def pointers(ctx: ScrubContext) -> Iterator[Finding]:
    count = len(ctx.claim_input.claim.diagnoses)
    for number, line in ctx.lines:
        given = line.dx_pointers
        if not given:
            yield Finding(
                "dx_pointer_missing",
                f"Line {number}: point the line at the diagnosis it treats.",
                number,
            )
            continue
        if len(given) > MAX_POINTERS:
            yield Finding(
                "too_many_pointers",
                f"Line {number}: {len(given)} diagnosis pointers; a line takes at most "
                f"{MAX_POINTERS}.",
                number,
            )
        if len(set(given)) != len(given):
            yield Finding(
                "dx_pointer_repeated",
                f"Line {number}: a diagnosis pointer appears twice ({_listed(given)}).",
                number,
            )
        outside = [p for p in given if not 1 <= p <= min(count, MAX_DIAGNOSES)]
        if outside:
            yield Finding(
                "dx_pointer_out_of_range",
                f"Line {number}: pointer {_listed(outside)} does not match a diagnosis; the "
                f"claim has {count}.",
                number,
            )


def treated_first(ctx: ScrubContext) -> Iterator[Finding]:
    """Each line points first at what it treats: substance use (F10–F19) on a line billed to a
    substance-use program, a mental disorder other than substance use on one billed to a
    mental health program, any mental or behavioral disorder (F01–F99) on the other
    mental-health codes."""
    diagnoses = ctx.claim_input.claim.diagnoses
    programs = ctx.claim_input.payer.rules.programs
    for number, line in ctx.lines:
        modifiers = modifiers_of(line)
        if {SUBSTANCE_USE_MODIFIER, MENTAL_HEALTH_MODIFIER} <= modifiers:
            yield Finding(
                "program_modifiers_conflict",
                f"Line {number}: modifiers HF (substance use program) and HE (mental health "
                "program) contradict each other; keep the one of the program billed.",
                number,
            )
            continue
        if not line.dx_pointers or not 1 <= line.dx_pointers[0] <= len(diagnoses):
            continue  # the pointer rule already says so
        first = diagnoses[line.dx_pointers[0] - 1]
        code = code_of(line)
        found = procedure(code)
        program = program_of(code, modifiers, programs)
        if program is Program.SUBSTANCE_USE:
            if not is_substance_use(first):
                yield Finding(
                    "dual_diagnosis_order",
                    f"Line {number}: {code} is substance-use treatment; its first diagnosis "
                    f"must be a substance-use disorder (F10–F19), not {dotted(first)}. "
                    + _candidates(diagnoses, is_substance_use, "substance-use"),
                    number,
                )
        elif program is Program.MENTAL_HEALTH:
            if not _mental_not_substance(first):
                yield Finding(
                    "dual_diagnosis_order",
                    f"Line {number}: {code} is billed to the mental health program; its first "
                    "diagnosis must be a mental disorder other than substance use, not "
                    f"{dotted(first)}. "
                    + _candidates(diagnoses, _mental_not_substance, "mental (not substance-use)"),
                    number,
                )
        elif found is not None and found.mental_health and not is_mental_health(first):
            yield Finding(
                "dual_diagnosis_order",
                f"Line {number}: {code} treats a mental or behavioral disorder; its first "
                f"diagnosis must be one (F01–F99), not {dotted(first)}. "
                + _candidates(diagnoses, is_mental_health, "mental or behavioral"),
                number,
            )


def _mental_not_substance(code: str) -> bool:
    return is_mental_health(code) and not is_substance_use(code)


def _candidates(diagnoses: tuple[str, ...], wanted, kind: str) -> str:
    matches = [
        f"{dotted(code)} (diagnosis {position})"
        for position, code in enumerate(diagnoses, start=1)
        if wanted(code)
    ]
    if not matches:
        return f"The claim has no {kind} diagnosis to point at."
    return f"Point it first at {', '.join(matches)}."


def _listed(values) -> str:
    return ", ".join(str(value) for value in values)
