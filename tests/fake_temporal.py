"""A stand-in for temporalio's Client: records starts, Updates and signals; fails on request.

Only the calls denialdesk makes (start_workflow, get_workflow_handle().execute_update/signal),
so API and relay tests run without a Temporal server; the workflow suite runs the real thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class FakeHandle:
    def __init__(self, temporal: FakeTemporal, workflow_id: str) -> None:
        self.temporal, self.workflow_id = temporal, workflow_id

    async def execute_update(self, name: str, arg: Any, *, id: str, **_: Any) -> None:
        if self.temporal.update_error is not None:
            raise self.temporal.update_error
        self.temporal.updates.append((self.workflow_id, name, arg, id))

    async def signal(self, name: str, arg: Any, **_: Any) -> None:
        if self.temporal.signal_error is not None:
            raise self.temporal.signal_error
        self.temporal.signals.append((self.workflow_id, name, arg))


@dataclass
class FakeTemporal:
    """Records what the API asks of Temporal; set an error to make the next calls fail."""

    started: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    signals: list = field(default_factory=list)
    update_error: BaseException | None = None
    signal_error: BaseException | None = None
    start_error: BaseException | None = None

    async def start_workflow(self, workflow: str, arg: Any, *, id: str, task_queue: str, **kw):
        if self.start_error is not None:
            raise self.start_error
        self.started.append((workflow, arg, id, task_queue, kw.get("start_signal"),
                             list(kw.get("start_signal_args") or [])))  # fmt: skip

    def get_workflow_handle(self, workflow_id: str, **_: Any) -> FakeHandle:
        return FakeHandle(self, workflow_id)
