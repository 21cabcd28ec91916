"""The demo's history: about nine months of closed claims of both demo practices, written as
rows (claims, versions, 837P submissions, 835 remittances, timelines and the tasks people
worked), dated relative to the day the demo is seeded. See writer.py for the order of work."""

from denialdesk.app.demo_history.plan import HistoryPlan
from denialdesk.app.demo_history.writer import HistoryReport, write_history

__all__ = ["HistoryPlan", "HistoryReport", "write_history"]
