"""The fact registry: each kind of fact recorded about a child, declared once by its domain.

A domain package declares its facts in its own ``facts.py`` (found by
:func:`tracker.plugins.discover`, the way ``jobs.py`` registers jobs)::

    # tracker/health/facts.py
    from tracker.health.models import DentalCheck
    from tracker.tracking.registry import Fact, Page, declare

    declare(Fact(
        DentalCheck, on="checked_on", label="Dental check",
        event="dental_check",                                   # what the rules engine sees
        record=Page("health.record_dental_check"), button="Record a dental check",
        correct=Page("health.edit_dental_check", "record_id"),
        delete=Page("health.delete_dental_check", "record_id"),
        area="health",                  # the part of the child's record (children.access)
    ))

The core reads the declarations and imports no domain: ``tracking/facts.py`` turns the
rows into the engine's events, the child's chronology lists them and links each line to
its correction page, and the child's due-dates tab shows the record buttons a user may
use. A new fact is one declaration plus its model, form, pages and (if it feeds the
engine) its event type and rule in the rules table. Tests check that every declared page
exists and is guarded by the declared area, and that every event type is read by a rule.

Two more questions the core asks the domains: which model is the child (the *subject*,
declared by the children package) and where the school terms are (declared by
education).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sqlalchemy.orm import Session

from tracker.plugins import discover

from .calendars import Term
from .rules import EVENT_TYPES

#: The rows of another declared model for the same child (facts that depend on each
#: other, such as a period of care and the legal status it started with).
Rows = Callable[[Any], Sequence[Any]]
#: One engine event: (date, event type, fields).
EventSpec = tuple[dt.date, str, Mapping[str, Any]]
Text = str | Callable[[Any], str]


@dataclass(frozen=True)
class Page:
    """A page about a child's facts: its endpoint (which takes ``child_id``), the name of
    its argument for the record's id (empty for a page about the child as a whole), and
    any fixed arguments."""

    endpoint: str
    record_arg: str = ""
    args: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def url_args(self, child_id: int, record_id: int | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"child_id": child_id, **self.args}
        if self.record_arg:
            out[self.record_arg] = record_id
        return out


@dataclass(frozen=True)
class Entry:
    """One line of a child's chronology."""

    on: dt.date
    what: str
    detail: str
    fact: Fact
    record_id: int
    #: Orders lines of the same day: leaving care before entering again, and so on.
    order: int = 5


@dataclass(frozen=True)
class Fact:
    """One kind of fact recorded about a child.

    ``model`` has a ``child_id`` column and ``on`` names its date. The chronology shows
    ``label``/``detail`` on that date and, for a fact with an end (``ended_on``), a second
    line on the end date. ``event`` names the event type(s) the rules engine gets: one
    event per row on the ``on`` date, its fields from ``data``; ``event_of`` picks the
    type for a row when there are several (None: no event for that row); ``events``
    replaces all of that for facts that need more (two events, or other rows).
    """

    model: Any
    on: str
    label: Text
    detail: Callable[[Any], str] | None = None
    order: int = 5
    ended_on: str | None = None
    ended_label: Text | None = None
    ended_detail: Callable[[Any], str] | None = None
    ended_order: int = 5
    event: str | tuple[str, ...] = ()
    event_of: Callable[[Any], str | None] | None = None
    data: Callable[[Any], Mapping[str, Any]] | None = None
    events: Callable[[Any, Rows], Iterable[EventSpec]] | None = None
    #: Pages: record a new one (takes the child only), correct one, delete one.
    record: Page | None = None
    correct: Page | None = None
    delete: Page | None = None
    #: The "Record …" button on the child's due-dates tab (None: no button there).
    button: str | None = None
    #: The part of the child's record the fact belongs to (``tracker.children.access``
    #: AREAS): its record, correct and delete pages are guarded by it, and the button and
    #: the chronology's "Correct" link show only to users who may change that part.
    area: str = "care"

    @property
    def key(self) -> str:
        """The fact's table name: event references and chronology lines carry it."""
        return str(self.model.__tablename__)

    @property
    def event_types(self) -> tuple[str, ...]:
        return (self.event,) if isinstance(self.event, str) else tuple(self.event)

    def events_of(self, row: Any, rows: Rows) -> list[EventSpec]:
        """The engine events one row gives."""
        if self.events is not None:
            return [(on, etype, _given(data)) for on, etype, data in self.events(row, rows)]
        types = self.event_types
        if not types:
            return []
        etype = self.event_of(row) if self.event_of is not None else types[0]
        if etype is None:
            return []
        return [(getattr(row, self.on), etype, _given(self.data(row)) if self.data else {})]

    def entries(self, row: Any) -> list[Entry]:
        """The chronology lines of one row."""
        out = [Entry(getattr(row, self.on), _text(self.label, row), self.detail(row) if self.detail else "",
                     self, row.id, self.order)]
        ended = getattr(row, self.ended_on) if self.ended_on else None
        if ended is not None:
            out.append(Entry(ended, _text(self.ended_label or self.label, row),
                             self.ended_detail(row) if self.ended_detail else "", self, row.id, self.ended_order))
        return out


def code_label(code_list: Any, attr: str) -> Callable[[Any], str]:
    """A chronology detail: the label of a coded column (``code_list`` is one of
    :mod:`tracker.codes`' lists)."""
    return lambda row: code_list.label(getattr(row, attr))


def _given(data: Mapping[str, Any]) -> dict[str, Any]:
    """An event's fields: a blank column is a field not given (as in a scenario)."""
    return {k: v for k, v in data.items() if v is not None}


def _text(value: Text, row: Any) -> str:
    return value(row) if callable(value) else value


_FACTS: dict[str, Fact] = {}
_SUBJECT: list[Any] = []
_TERMS: list[Callable[[Session], Sequence[Term]]] = []
_DISCOVERED: list[bool] = []


def declare(*facts: Fact) -> None:
    """Declare facts (from a domain's ``facts.py``). Declaring one again replaces it."""
    for fact in facts:
        _FACTS[fact.key] = fact


def declare_subject(model: Any) -> None:
    """Declare the child model (the children package does). It has ``id``,
    ``local_id``, ``date_of_birth``, ``allocated_worker_id``, ``personal_adviser_id`` and
    ``team_id``, and the columns only the recompute writes: ``open_overdue``,
    ``open_due_soon``, ``next_due_on`` and ``items_error``."""
    _SUBJECT[:] = [model]


def declare_terms(load: Callable[[Session], Sequence[Term]]) -> None:
    """Declare where the authority's school terms are read from (education does)."""
    _TERMS[:] = [load]


def _discovered() -> None:
    if not _DISCOVERED:
        discover("facts")
        _DISCOVERED.append(True)


def facts() -> tuple[Fact, ...]:
    """Every declared fact, in the order of the rules table's event types (facts that
    give no event last), then by table name: the engine gets same-day events, and the
    due-dates tab shows its buttons, in that order."""
    _discovered()
    position = {name: n for n, name in enumerate(EVENT_TYPES)}

    def order(f: Fact) -> tuple[int, str]:
        return min((position.get(t, len(position)) for t in f.event_types), default=len(position)), f.key

    return tuple(sorted(_FACTS.values(), key=order))


def fact(key: str) -> Fact | None:
    """The fact kept in table ``key``."""
    _discovered()
    return _FACTS.get(key)


def subject() -> Any:
    _discovered()
    return _SUBJECT[0]


def load_terms(session: Session) -> tuple[Term, ...]:
    """The authority's school terms, oldest first (none if no domain declares them)."""
    _discovered()
    return tuple(_TERMS[0](session)) if _TERMS else ()
