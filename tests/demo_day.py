"""The business day the tests seed the demo data on: a fixed one, so the demo rows are the same
on every machine and every run (`denialdesk seed-demo` and `denialdesk dev` use the real day)."""

from datetime import date

DEMO_TODAY = date(2026, 11, 2)
