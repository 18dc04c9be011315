"""Alerts on due-soon and overdue items, escalation to managers, in-app notifications,
the email outbox and the daily digest."""
