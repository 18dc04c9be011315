"""Statutory tracking: the rules table, calendars and the pure rules engine.

This package is pure Python (no Flask, no database, no clock) so that the web app, the
scheduled jobs and ``tracker rules explain`` all run the very same rules.
"""
