"""The payer's own rules: telehealth place and modifier, who may bill a code (and the
clinician-level modifiers), identifiers."""

from __future__ import annotations

from collections.abc import Iterator

from denialdesk.domain.codes.credentials import (
    is_prescriber,
    level_modifier_mismatch,
    normalize_credential,
)
from denialdesk.domain.codes.em import TELEMEDICINE_EM_CODES
from denialdesk.domain.codes.modifiers import AUDIO_ONLY_MODIFIERS, TELEHEALTH_MODIFIERS
from denialdesk.domain.codes.places import TELEHEALTH_PLACES, describe_place
from denialdesk.domain.codes.procedures import procedure
from denialdesk.domain.npi import is_valid_npi
from denialdesk.domain.scrub_rules.base import Finding, ScrubContext, code_of, modifiers_of, named


def telehealth(ctx: ScrubContext) -> Iterator[Finding]:
    payer = ctx.claim_input.payer
    rule = payer.rules.telehealth
    if rule.in_person_place:
        yield from _in_person_telehealth(ctx)
        return
    places = " or ".join(sorted(rule.places_of_service))
    for number, line in ctx.lines:
        modifiers = modifiers_of(line)
        place = line.place_of_service
        if place in rule.places_of_service:
            # 98000–98015 say audio-video or audio only in the code: no modifier on them.
            telemedicine = code_of(line) in TELEMEDICINE_EM_CODES
            if not telemedicine and not _modifier_satisfied(rule.modifier, modifiers):
                yield Finding(
                    "telehealth_modifier_missing",
                    f"Line {number}: place of service {place} ({describe_place(place)}) is "
                    f"telehealth; {payer.name} wants modifier {rule.modifier} on it "
                    "(93 when audio only).",
                    number,
                )
        elif modifiers & TELEHEALTH_MODIFIERS:
            shown = ", ".join(sorted(modifiers & TELEHEALTH_MODIFIERS))
            yield Finding(
                "telehealth_place_mismatch",
                f"Line {number}: telehealth modifier {shown} with place of service {place} "
                f"({describe_place(place)}); {payer.name} expects {places} for telehealth.",
                number,
            )


def _in_person_telehealth(ctx: ScrubContext) -> Iterator[Finding]:
    """Payers that want the place of service the visit would have had in person: a telehealth
    place is refused, and the modifier alone says the visit was telehealth."""
    payer = ctx.claim_input.payer
    rule = payer.rules.telehealth
    wanted = f" and modifier {rule.modifier}" if rule.modifier else ""
    for number, line in ctx.lines:
        modifiers = modifiers_of(line)
        place = line.place_of_service
        if place in TELEHEALTH_PLACES | rule.places_of_service:
            yield Finding(
                "telehealth_place_mismatch",
                f"Line {number}: {payer.name} wants telehealth billed with the place of service "
                f"the visit would have had in person (11 in the office){wanted}, not place of "
                f"service {place} ({describe_place(place)}).",
                number,
            )
        elif modifiers & TELEHEALTH_MODIFIERS and not _modifier_satisfied(rule.modifier, modifiers):
            yield Finding(
                "telehealth_modifier_missing",
                f"Line {number}: a telehealth visit at place of service {place}; {payer.name} "
                f"wants modifier {rule.modifier} on it (93 when audio only).",
                number,
            )


def _modifier_satisfied(wanted: str | None, modifiers: set[str]) -> bool:
    # Audio-only (93/FQ) is its own telehealth modifier and replaces the video one.
    return not wanted or wanted in modifiers or bool(modifiers & AUDIO_ONLY_MODIFIERS)


def credentials(ctx: ScrubContext) -> Iterator[Finding]:
    claim_input = ctx.claim_input
    allowed_by_code = claim_input.payer.rules.credentials_allowed
    for number, line in ctx.lines:
        code = code_of(line)
        provider = claim_input.rendering_for(line)
        credential = normalize_credential(provider.credential)
        who = f"{provider.first_name} {provider.last_name}, {provider.credential}"
        yield from _level_modifiers(number, modifiers_of(line), who, provider.credential)
        allowed = allowed_by_code.get(code)
        if allowed is not None:
            if credential not in {normalize_credential(each) for each in allowed}:
                yield Finding(
                    "credential_not_allowed",
                    f"Line {number}: {claim_input.payer.name} pays {code} only to "
                    f"{', '.join(sorted(allowed))}; the rendering provider is {who}.",
                    number,
                )
            continue
        found = procedure(code)
        if found is not None and found.prescriber_only and not is_prescriber(credential):
            yield Finding(
                "credential_not_allowed",
                f"Line {number}: {named(code)} is billed by prescribers (MD, DO, NP, PA); "
                f"the rendering provider is {who}.",
                number,
            )


def _level_modifiers(
    number: int, modifiers: set[str], who: str, credential: str
) -> Iterator[Finding]:
    """HN/HO/HP (degree level) and AH/AJ (psychologist, social worker) must fit the rendering
    provider's credential: payers price the line by them and deny a mismatch."""
    for modifier in sorted(modifiers):
        meaning = level_modifier_mismatch(modifier, credential)
        if meaning is not None:
            yield Finding(
                "level_modifier_mismatch",
                f"Line {number}: modifier {modifier} says the clinician is {meaning}; the "
                f"rendering provider is {who}. Use the modifier of their credential.",
                number,
            )


def identifiers(ctx: ScrubContext) -> Iterator[Finding]:
    claim_input = ctx.claim_input
    practice = claim_input.practice
    if not is_valid_npi(practice.npi):
        yield Finding(
            "npi_invalid",
            f"The billing provider NPI {practice.npi!r} ({practice.name}) fails the NPI check.",
        )
    providers = {claim_input.provider.npi: claim_input.provider}
    providers |= {
        line.rendering.npi: line.rendering for line in claim_input.claim.lines if line.rendering
    }
    for npi, provider in providers.items():
        if not is_valid_npi(npi):
            yield Finding(
                "npi_invalid",
                f"The rendering provider NPI {npi!r} ({provider.first_name} "
                f"{provider.last_name}) fails the NPI check.",
            )
    zip_code = practice.address.zip.replace("-", "")
    if len(zip_code) != 9 or not zip_code.isdigit():
        # 5010 requires the billing provider's full ZIP+4; clearinghouses reject five digits.
        yield Finding(
            "billing_zip_incomplete",
            "The billing provider address needs a nine-digit ZIP+4 "
            f"(it is {practice.address.zip!r}).",
        )
