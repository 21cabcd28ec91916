"""denialdesk: a denial-management work queue for behavioral-health billing teams."""

__version__ = "0.1.0"
