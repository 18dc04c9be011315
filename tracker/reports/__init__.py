"""Performance dashboard and reports."""
