"""Roles and the capabilities each one carries.

Views are guarded by capabilities, never by role names, so a council can re-shape a role
by editing this map (and its test) rather than hunting through views.
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
VIEW_CHILDREN = "view_children"          # open child records (subject to restriction)
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
SEE_ALL_RESTRICTED = "see_all_restricted"

_CASEWORK = {VIEW_CHILDREN, EDIT_CASE, EDIT_EDUCATION, EDIT_LEAVING_CARE}

CAPABILITIES: dict[str, frozenset[str]] = {
    "social_worker": frozenset(_CASEWORK),
    "team_manager": frozenset(_CASEWORK | {VIEW_TEAM, VIEW_REPORTS, VIEW_AUDIT}),
    "group_manager": frozenset(_CASEWORK | {VIEW_TEAM, VIEW_SERVICE, RUN_MEETINGS, VIEW_REPORTS, VIEW_AUDIT}),
    "personal_adviser": frozenset({VIEW_CHILDREN, EDIT_LEAVING_CARE}),
    "iro": frozenset({VIEW_CHILDREN, EDIT_CASE}),
    "virtual_school": frozenset({VIEW_CHILDREN, EDIT_EDUCATION}),
    "admin": frozenset({VIEW_CHILDREN, VIEW_TEAM, VIEW_SERVICE, VIEW_REPORTS, VIEW_AUDIT,
                        MANAGE_USERS, MANAGE_SETTINGS, RUN_JOBS, EXPORT_RETURN, SEE_ALL_RESTRICTED}),
}

ALL_CAPABILITIES = frozenset().union(*CAPABILITIES.values())
