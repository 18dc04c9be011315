"""Roles and the capabilities each one carries.

A capability says what a role may do at all; which children it may do it to is decided
by the user's relationship to each child (allocated worker, team, IRO, personal adviser…)
in :mod:`tracker.children.access`. Views are guarded by capabilities or by that module,
never by role names, so a council can re-shape a role by editing this map (and its test)
rather than hunting through views.
"""

from __future__ import annotations

ROLES: dict[str, str] = {
    "social_worker": "Social worker",
    "team_manager": "Team manager",
    "group_manager": "Group manager",
    "personal_adviser": "Personal adviser",
    "iro": "Independent reviewing officer",
    "virtual_school": "Virtual school",
    "admin": "Administrator",
}

# Capabilities (verbs on the service):
VIEW_CHILDREN = "view_children"          # open child records (of children they are related to)
EDIT_CASE = "edit_case"                  # record care history, placements, reviews, health
EDIT_EDUCATION = "edit_education"        # record PEPs and school
EDIT_LEAVING_CARE = "edit_leaving_care"  # pathway plans, PA contacts, accommodation
VIEW_TEAM = "view_team"                  # see a whole team's caseloads
VIEW_SERVICE = "view_service"            # see every team in the service
RUN_MEETINGS = "run_meetings"            # chair the weekly tracking meeting
VIEW_REPORTS = "view_reports"            # dashboards and summaries
VIEW_AUDIT = "view_audit"                # read audit history
MANAGE_USERS = "manage_users"
MANAGE_SETTINGS = "manage_settings"      # policy settings, term dates, benchmarks
RUN_JOBS = "run_jobs"                    # admin page of jobs and the outbox
EXPORT_RETURN = "export_return"          # SSDA903 export/import
ALLOCATE = "allocate"                    # allocate worker, team, IRO, adviser; restrict a record

# The relationships a role can have with a child (tracker.children.access reads them):
HOLD_CASES = "hold_cases"                # may be a child's allocated worker; works with their team's children
MANAGE_TEAM = "manage_team"              # every child of their own team
MANAGE_SERVICE = "manage_service"        # every child of the teams of their service
CHAIR_REVIEWS = "chair_reviews"          # may be a child's independent reviewing officer
ADVISE_CARE_LEAVERS = "advise_care_leavers"  # may be a care leaver's personal adviser
SUPPORT_EDUCATION = "support_education"  # the education of every child of school age
READ_ALL_CHILDREN = "read_all_children"  # read every child's record (administrators, by policy only)

_CASEWORK = {VIEW_CHILDREN, EDIT_CASE, EDIT_EDUCATION, EDIT_LEAVING_CARE, HOLD_CASES}
_MANAGING = {VIEW_TEAM, VIEW_REPORTS, VIEW_AUDIT, ALLOCATE}

CAPABILITIES: dict[str, frozenset[str]] = {
    "social_worker": frozenset(_CASEWORK),
    "team_manager": frozenset(_CASEWORK | _MANAGING | {MANAGE_TEAM}),
    "group_manager": frozenset(_CASEWORK | _MANAGING | {VIEW_SERVICE, RUN_MEETINGS, MANAGE_SERVICE}),
    "personal_adviser": frozenset({VIEW_CHILDREN, EDIT_LEAVING_CARE, ADVISE_CARE_LEAVERS}),
    "iro": frozenset({VIEW_CHILDREN, EDIT_CASE, CHAIR_REVIEWS}),
    "virtual_school": frozenset({VIEW_CHILDREN, EDIT_EDUCATION, SUPPORT_EDUCATION}),
    "admin": frozenset({MANAGE_USERS, MANAGE_SETTINGS, RUN_JOBS, EXPORT_RETURN}),
}

#: Capabilities a role gets only where the council's policy says so: administrators
#: read children's records only with ``ADMIN_READS_CHILDREN`` (default: no).
POLICY_CAPABILITIES: dict[str, frozenset[str]] = {
    "admin": frozenset({VIEW_CHILDREN, READ_ALL_CHILDREN, VIEW_TEAM, VIEW_SERVICE, VIEW_REPORTS, VIEW_AUDIT}),
}

ALL_CAPABILITIES = frozenset().union(*CAPABILITIES.values(), *POLICY_CAPABILITIES.values())


def capabilities_of(role: str, *, admin_reads_children: bool = False) -> frozenset[str]:
    caps = CAPABILITIES.get(role, frozenset())
    if admin_reads_children:
        caps |= POLICY_CAPABILITIES.get(role, frozenset())
    return caps


def roles_with(capability: str) -> tuple[str, ...]:
    """The roles carrying ``capability`` (for lists such as "who can be allocated")."""
    return tuple(role for role, caps in CAPABILITIES.items() if capability in caps)
