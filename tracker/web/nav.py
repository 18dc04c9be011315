"""Service navigation: (label, endpoint, capability). Items whose endpoint is not
registered are skipped, so later features add themselves by adding a line here."""

NAV: list[tuple[str, str, str]] = [
    ("My children", "children.home", "signed_in"),
    ("Caseload", "children.caseload", "view_children"),
    ("Care leavers", "leaving_care.caseload", "edit_leaving_care"),
    ("Tracking meeting", "meetings.pack", "run_meetings"),
    ("Dashboard", "reports.dashboard", "view_reports"),
    ("Rules", "tracking.rules_page", "view_children"),
    ("Admin", "admin.index", "run_jobs"),
]

#: Child record sub-navigation: (key, label, endpoint taking child_id).
CHILD_TABS: list[tuple[str, str, str]] = [
    ("overview", "Overview", "children.show_child"),
    ("items", "Due dates", "tracking.child_items"),
    ("care", "Care history and placements", "children.care_history"),
    ("history", "Audit history", "children.audit_history"),
]
