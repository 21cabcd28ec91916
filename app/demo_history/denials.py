"""Which claims the payers denied on first pass, and why.

Per month of service exactly round(rate × claims) claims are denied (the plan's rate for that
month), so the rate holds whatever the number of claims; which ones, and the scenario of each,
come from the practice's random.Random. A scenario must fit the claim (its payer, an
authorization attached or none on file, an add-on line, a program week). A claim the scrubber
warned about the payer's visit limit is most likely denied for that limit.
"""

from __future__ import annotations

import random
from collections import defaultdict

from denialdesk.app.demo_history.context import PracticeContext
from denialdesk.app.demo_history.model import HistoricAuthorization, Visit
from denialdesk.app.demo_history.plan import HistoryPlan, Window
from denialdesk.app.demo_history.scenarios import ADD_ONS, SCENARIOS, Scenario, Scope
from denialdesk.app.demo_history.visit_log import VisitLog

LIMIT_PULL = 20.0  # how much likelier a benefit-limit denial is after the visit-limit warning


def choose_denials(
    ctx: PracticeContext,
    rng: random.Random,
    plan: HistoryPlan,
    window: Window,
    visits: list[Visit],
    visit_log: VisitLog,
    made: list[HistoricAuthorization],
) -> dict[int, Scenario]:
    """Index in `visits` -> the scenario of its first-pass denial."""
    by_month: dict[int, list[int]] = defaultdict(list)
    for index, visit in enumerate(visits):
        by_month[window.month_index(visit.first_service)].append(index)
    chosen: dict[int, Scenario] = {}
    for month in sorted(by_month):
        indexes = by_month[month]
        count = round(plan.denial_rate(month) * len(indexes))
        for index in sorted(rng.sample(indexes, count)):
            visit = visits[index]
            warned = _over_limit(ctx, visit, visit_log)
            fitting = [s for s in SCENARIOS if _fits(ctx, s, visit, made)]
            weights = [
                s.weight * (LIMIT_PULL if warned and s.category == "benefit_limit" else 1.0)
                for s in fitting
            ]
            chosen[index] = rng.choices(fitting, weights)[0]
    return chosen


def _fits(
    ctx: PracticeContext, scenario: Scenario, visit: Visit, made: list[HistoricAuthorization]
) -> bool:
    codes = {line.code for line in visit.lines}
    if scenario.plans is not None and visit.plan not in scenario.plans:
        return False
    if scenario.needs_authorization and visit.authorization is None:
        return False
    if scenario.needs_authorization is False and _on_file(ctx, visit, made):
        return False
    if scenario.needs_other_coverage and not ctx.has_other_coverage(
        visit.patient.id, visit.coverage
    ):
        return False
    if scenario.codes and not codes & scenario.codes:
        return False
    if scenario.scope is Scope.ADD_ON:
        return bool(codes & ADD_ONS) and bool(codes - ADD_ONS)
    if scenario.scope is Scope.LAST_DAY:
        return len(visit.lines) > 1 and codes == {"H0015"}
    return True


def _on_file(ctx: PracticeContext, visit: Visit, made: list[HistoricAuthorization]) -> bool:
    """Whether the patient has any authorization with the claim's payer (the denial task
    would point at it rather than raise a request)."""
    if visit.authorization is not None:
        return True
    payer_id = visit.coverage.payer_id
    coverages = {c.id for c in ctx.coverages[visit.patient.id] if c.payer_id == payer_id}
    return any(a.coverage_id in coverages for a in ctx.seeded_authorizations) or any(
        a.coverage.id in coverages for a in made
    )


def _over_limit(ctx: PracticeContext, visit: Visit, visit_log: VisitLog) -> bool:
    limit = ctx.payers[visit.plan].rules.get("visit_limit_per_year")
    if not limit:
        return False
    year = visit.first_service.year
    before = visit_log.visits_in_year(visit, year, visit.created)
    return before + len({line.service_date for line in visit.lines}) > limit
