"""The missing domain's fact: missing and away episodes with their return home interview
(see tracker.tracking.registry)."""

from __future__ import annotations

from collections.abc import Iterable

from tracker.missing.models import MissingEpisode
from tracker.tracking.registry import EventSpec, Fact, Page, Rows, declare

#: The interview outcomes the rules engine knows; "offered" (not held yet) completes the
#: item too, so it is given as an interview with no outcome.
_ENGINE_OUTCOMES = ("held", "declined")


def _episode_events(episode: MissingEpisode, _rows: Rows) -> Iterable[EventSpec]:
    yield episode.start_on, "missing_started", {"kind": episode.kind}
    if episode.end_on is not None:
        yield episode.end_on, "missing_ended", {}
    if episode.interview_on is not None:
        outcome = episode.interview if episode.interview in _ENGINE_OUTCOMES else None
        yield episode.interview_on, "return_home_interview", {"outcome": outcome}


def _label(episode: MissingEpisode) -> str:
    return "Missing from care" if episode.kind == "M" else "Away from placement without authorisation"


def _returned(episode: MissingEpisode) -> str:
    if episode.interview_on is None:
        return "No return home interview recorded" if episode.kind == "M" else ""
    return f"Return home interview: {episode.interview_label.lower()} on {episode.interview_on:%d/%m/%Y}"


declare(
    Fact(
        MissingEpisode, on="start_on", label=_label, order=4,
        ended_on="end_on", ended_label="Returned", ended_detail=_returned, ended_order=4,
        event=("missing_started", "missing_ended", "return_home_interview"), events=_episode_events,
        record=Page("missing.record_episode"), button="Record a missing episode",
        correct=Page("missing.edit_episode", "record_id"),
        delete=Page("missing.delete_episode", "record_id"),
        area="care",
    ),
)
