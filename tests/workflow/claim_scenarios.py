"""Claim stories recorded as histories for the replay tests (histories/*.json).

Each scenario drives one claim through many branches of the workflow; the histories are what
running workflows look like, so a workflow change that cannot replay them would break claims in
flight. PHI-like marker strings travel through every free-text field, so the same runs prove the
encrypting codec covers them.
"""

from __future__ import annotations

from claim_driver import ClaimDriver
from claim_fakes import CLEAN, blocked, needs_auth, outcome

from denialdesk.contracts.claim import ClaimState

# Shaped like the data that must never reach Temporal in clear: a name, a DOB, a member id and a
# diagnosis code. They are fed through priority reasons, notes and reasons.
MARKERS = ("Rivera, Ana", "1984-03-17", "MBR-99812734", "F33.1")
MARKED = " / ".join(MARKERS)


async def hold_correct_pay_reverse(claim: ClaimDriver) -> None:
    claim.store.scrubs[1] = blocked("TIME_UNDER_16")
    claim.store.scrubs[2] = needs_auth("missing")
    claim.store.scrubs[3] = CLEAN
    await claim.start()
    await claim.until_task("scrub_findings")
    await claim.correct(2)
    await claim.until_task("obtain_authorization")
    await claim.correct(3)
    await claim.until_event("submitted")
    await claim.pay(101, outcome("paid"))
    await claim.until_event("paid")
    await claim.pay(102, outcome("reversal", reverses=101))
    await claim.pay(101)  # a repeat: ignored
    await claim.until_event("reopened")


async def denial_appeal_reroute_resubmit(claim: ClaimDriver) -> None:
    await claim.start()
    await claim.until_event("submitted")
    await claim.pay(201, outcome("denied", priority_reason=MARKED))
    await claim.until_task("work_denial")
    await claim.decide("appeal", level=1, letter_id=7, note=MARKED)
    await claim.until_task("send_appeal")
    await claim.decide("sent", note=MARKED)
    await claim.until_event("appealed")
    await claim.pay(202, outcome("partially_paid", priority_reason=MARKED))
    await claim.until_task("work_denial", count=2)
    await claim.decide("reroute", queue_id=3, note=MARKED)
    await claim.until_event("rerouted")
    await claim.correct(2)
    await claim.until_event("corrected")
    await claim.decide("resubmit", claim_version=2, note=MARKED)
    await claim.until_event("resubmitted")


async def reopening_then_write_off(claim: ClaimDriver) -> None:
    await claim.start()
    await claim.until_event("submitted")
    await claim.pay(301, outcome("denied", method="reopening", priority_reason=MARKED))
    await claim.until_task("work_denial")
    await claim.decide("resubmit", claim_version=1)
    await claim.until_task("reopening")
    await claim.decide("sent")
    await claim.until_event("resubmitted")
    await claim.pay(302, outcome("denied", method="reopening", priority_reason=MARKED))
    await claim.until_task("work_denial", count=2)
    await claim.decide("write_off", reason=MARKED)
    await claim.until_event("written_off")


async def continued_as_new(claim: ClaimDriver) -> None:
    await claim.start(ClaimState(continue_as_new_every=2))
    await claim.until_event("submitted")
    await claim.pay(401, outcome("denied"))
    await claim.until_task("work_denial")
    await claim.decide("bill_patient", amount="25.00")
    await claim.until_event("patient_responsibility")
    await claim.pay(401)
    await claim.pay(402, outcome("paid"))
    await claim.until_event("paid")


SCENARIOS = {
    "hold_correct_pay_reverse": hold_correct_pay_reverse,
    "denial_appeal_reroute_resubmit": denial_appeal_reroute_resubmit,
    "reopening_then_write_off": reopening_then_write_off,
    "continued_as_new": continued_as_new,
}
