"""Every model module, imported once so the metadata is complete."""

from tracker.alerts.models import Alert, Notification, OutboxEmail  # noqa: F401
from tracker.audit.models import AuditEvent  # noqa: F401
from tracker.auth.models import Service, Team, User  # noqa: F401
from tracker.children.models import CarePeriod, Child, LegalStatus, Placement  # noqa: F401
from tracker.education.models import Pep, TermDate  # noqa: F401
from tracker.health.models import DentalCheck, HealthAssessment, SdqScore  # noqa: F401
from tracker.jobs.models import JobRun  # noqa: F401
from tracker.leaving_care.models import (  # noqa: F401
    Accommodation,
    Activity,
    CareLeaverRecord,
    PaContact,
    PathwayEvent,
    StayingPut,
    Tenancy,
)
from tracker.meetings.models import Meeting, MeetingDecision, WeeklySnapshot  # noqa: F401
from tracker.missing.models import MissingEpisode  # noqa: F401
from tracker.permanence.models import CourtEvent, PermanenceMilestone, PermanencePlan  # noqa: F401
from tracker.reports.models import Benchmark  # noqa: F401
from tracker.returns.models import (  # noqa: F401
    AdoptionDecisionReversal,
    AdoptionReturn,
    ChildReturnDetail,
    DeprivationOfLiberty,
    Oc2Record,
    PlacementReturnDetail,
    PreviousPermanence,
    SocialWorkerEpisode,
)
from tracker.reviews.models import Review  # noqa: F401
from tracker.tracking.models import Action, Setting, TrackedItem  # noqa: F401
from tracker.visits.models import CarePlan, PlacementPlan, Visit  # noqa: F401
