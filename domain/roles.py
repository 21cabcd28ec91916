"""The role table, as data: which role may take which action.

Roles are held per practice; a user outside a practice sees nothing of it (the API answers 404),
a user inside it whose role may not act gets 403.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SPECIALIST = "specialist"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    INTEGRATION = "integration"


class Action(StrEnum):
    LOOKUP = "lookup"  # practices, payers, providers, patients, coverages
    READ_WORK = "read_work"  # claims, tasks, letters
    WORK_OWN = "work_own"  # take unassigned task, give back own, decide own, notes, letters
    MANAGE_WORK = "manage_work"  # assign anyone's task, bulk, team views, pend/decide others'
    WRITE_CLAIMS = "write_claims"  # create/correct claims, authorizations, scheduled visits
    IMPORT_835 = "import_835"
    WRITE_OFF_ABOVE_THRESHOLD = "write_off_above_threshold"
    ADMINISTER = "administer"  # users, payers, practices, rules, audit log


_S, _V, _A, _I = Role.SPECIALIST, Role.SUPERVISOR, Role.ADMIN, Role.INTEGRATION

ROLE_TABLE: dict[Action, frozenset[Role]] = {
    Action.LOOKUP: frozenset({_S, _V, _A, _I}),
    Action.READ_WORK: frozenset({_S, _V, _A}),
    Action.WORK_OWN: frozenset({_S, _V, _A}),
    Action.MANAGE_WORK: frozenset({_V, _A}),
    Action.WRITE_CLAIMS: frozenset({_S, _V, _A, _I}),
    Action.IMPORT_835: frozenset({_V, _A, _I}),
    Action.WRITE_OFF_ABOVE_THRESHOLD: frozenset({_V, _A}),
    Action.ADMINISTER: frozenset({_A}),
}


def may(role: Role | str, action: Action) -> bool:
    return Role(role) in ROLE_TABLE[action]
