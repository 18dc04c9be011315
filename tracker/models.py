"""Every model module, imported once so the metadata is complete."""

from tracker.audit.models import AuditEvent  # noqa: F401
from tracker.auth.models import Service, Team, User  # noqa: F401
from tracker.children.models import CarePeriod, Child, LegalStatus  # noqa: F401
from tracker.placements.models import Placement  # noqa: F401
