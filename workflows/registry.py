"""What the worker runs: every workflow class and activity of denialdesk, in one place.

app/worker.py builds the Temporal worker from these lists. ACTIVITIES stays empty here: the
activity implementations need store and clearinghouse dependencies, so app/worker.py builds
them (activities/) and registers them beside these workflows.
"""

from __future__ import annotations

from collections.abc import Callable

from denialdesk.workflows.authorization import AuthorizationWorkflow
from denialdesk.workflows.claim import ClaimWorkflow

WORKFLOWS: list[type] = [ClaimWorkflow, AuthorizationWorkflow]
ACTIVITIES: list[Callable] = []
