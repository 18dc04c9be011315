"""Local policy settings: the rules.md "(config)" numbers and alert timings.

Defaults live here in code; the ``settings`` table holds only what an administrator has
changed (audited like every other record). Statutory timescales are not settings: they
live in the rules table and change through code review.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.errors import ConflictError, ValidationError
from tracker.tracking.engine import RuleConfig
from tracker.tracking.models import Setting
from tracker.tracking.rules.config import RULE_SETTINGS, SettingSpec

#: Every policy setting, declared once: the rules' own (tracking.rules.config), then the
#: alert timings, which do not change any due date.
SETTINGS: tuple[SettingSpec, ...] = (
    *RULE_SETTINGS,
    SettingSpec("escalate_team_manager_working_days", "Escalate to team manager after (working days overdue)",
                "An overdue item is escalated to the team manager after this many working days.", 5, 1, 60,
                feeds_rules=False),
    SettingSpec("escalate_group_manager_working_days", "Escalate to group manager after (working days overdue)",
                "…and to the group manager after this many.", 15, 1, 120, feeds_rules=False),
)
SPECS = {s.key: s for s in SETTINGS}


def get_settings(session: Session) -> dict[str, int]:
    values = {s.key: s.default for s in SETTINGS}
    for row in session.scalars(select(Setting)):
        if row.key in values:
            values[row.key] = row.value
    return values


def get_rule_config(session: Session) -> RuleConfig:
    values = get_settings(session)
    return RuleConfig.from_mapping({s.key: values[s.key] for s in SETTINGS if s.feeds_rules})


def settings_version(session: Session) -> str:
    """The stored settings' versions in one string: the settings form carries it, so a
    save from a page opened before someone else's change is refused, not merged."""
    rows = {row.key: row.version for row in session.scalars(select(Setting))}
    return ",".join(f"{s.key}:{rows.get(s.key, 0)}" for s in SETTINGS)


def update_settings(session: Session, changes: dict[str, int | None], *,
                    expected_version: str | None = None) -> list[str]:
    """Validate and store changed settings; returns the keys that changed."""
    if expected_version is not None and expected_version != settings_version(session):
        raise ConflictError()
    errors: dict[str, str] = {}
    for key, value in changes.items():
        spec = SPECS.get(key)
        if spec is None:
            errors[key] = "Unknown setting"
        elif value is None or not spec.minimum <= value <= spec.maximum:
            errors[key] = f"{spec.label} must be a whole number from {spec.minimum} to {spec.maximum}"
    if errors:
        raise ValidationError(errors)
    current = get_settings(session)
    changed = []
    for key, value in changes.items():
        assert value is not None
        if current[key] == value:
            continue
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
        changed.append(key)
    session.flush()
    return changed
