"""Service navigation and the child record's tabs: the application's menus, by endpoint
name (this module imports no page; a structural test builds every entry)."""

NAV: list[tuple[str, str, str]] = [
    ("My children", "children.home", "signed_in"),
    ("Caseload", "children.caseload", "view_children"),
    ("Care leavers", "leaving_care.caseload", "edit_leaving_care"),
    ("Care leavers summary", "leaving_care.summary", "view_reports"),
    ("Unallocated", "allocation.unallocated", "allocate"),
    ("Notifications", "alerts.notifications", "signed_in"),
    ("Tracking meeting", "meetings.pack", "run_meetings"),
    ("Dashboard", "reports.dashboard", "view_reports"),
    ("Rules", "tracking.rules_page", "view_children"),
    ("Data quality", "returns.data_quality", "view_reports"),
    ("SSDA903 return", "returns.index", "export_return"),
    ("Admin", "admin.index", "run_jobs"),
]

#: Child record sub-navigation: (key, label, endpoint taking child_id).
CHILD_TABS: list[tuple[str, str, str]] = [
    ("overview", "Overview", "children.show_child"),
    ("items", "Due dates", "children.child_items"),
    ("chronology", "Chronology", "children.chronology"),
    ("care", "Care history and placements", "children.care_history"),
    ("permanence", "Permanence", "permanence.child_permanence"),
    ("visits", "Visits and plans", "visits.child_visits"),
    ("reviews", "Reviews", "reviews.child_reviews"),
    ("health", "Health", "health.child_health"),
    ("education", "Education", "education.child_education"),
    ("missing", "Missing", "missing.child_missing"),
    ("leaving_care", "Leaving care", "leaving_care.child_leaving_care"),
    ("return", "SSDA903", "returns.child_return"),
    ("meetings", "Tracking meetings", "meetings.child_meetings"),
    ("history", "Audit history", "children.audit_history"),
]
