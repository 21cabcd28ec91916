"""What the worker runs: every workflow class and activity of denialdesk, in one place.

app/worker.py builds the Temporal worker from these lists. They are empty until the claim
workflow lands; the worker then idles and says so rather than registering a placeholder.
"""

from __future__ import annotations

from collections.abc import Callable

WORKFLOWS: list[type] = []
ACTIVITIES: list[Callable] = []
