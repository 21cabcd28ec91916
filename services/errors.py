"""Refusals of the services layer, each with the HTTP status SPEC section 5 gives it, and the
one mapping from the workflow client's refusals to them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from denialdesk.store.errors import InputError
from denialdesk.workflows import client as workflows


class ServiceError(Exception):
    status = 400

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra  # more JSON fields (e.g. the conflicting task ids of a bulk assign)


class NotFound(ServiceError):
    status = 404  # also for anything outside the caller's practices: existence never leaks


class Forbidden(ServiceError):
    status = 403


class Conflict(ServiceError):
    status = 409


class Invalid(ServiceError):
    status = 422  # the detail starts with the field: "lines[0].service_date: ..."


class Unavailable(ServiceError):
    status = 503


def invalid(error: InputError) -> Invalid:
    return Invalid(str(error))


@contextmanager
def workflow_refusals(what: str) -> Iterator[None]:
    """A workflow's refusal as the matching ServiceError: conflict 409, bad input 422, no
    answer in time 503 (`what` names whose workflow, e.g. "claim")."""
    try:
        yield
    except workflows.DecisionConflict as exc:
        raise Conflict(str(exc)) from None
    except workflows.DecisionInvalid as exc:
        raise Invalid(str(exc)) from None
    except workflows.WorkflowTimeout:
        raise Unavailable(f"the {what}'s workflow did not answer") from None
