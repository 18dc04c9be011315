"""Actions as a fact (see tracker.tracking.registry): each gives the engine an ``action``
event, and the chronology a line when it was set and another when it was done."""

from __future__ import annotations

from tracker.tracking.models import Action
from tracker.tracking.registry import Fact, Page, declare

declare(
    Fact(
        Action, on="created_on", label=lambda a: f"Action set: {a.title}", detail=lambda a: f"Due {a.due_on:%d/%m/%Y}",
        ended_on="completed_on", ended_label=lambda a: f"Action done: {a.title}",
        event="action",
        data=lambda a: {"id": str(a.id), "title": a.title, "due": a.due_on, "completed": a.completed_on},
        record=Page("actions.new_action"), button="Add an action",
        correct=Page("actions.complete_action", "action_id"),
        delete=Page("actions.delete_action", "action_id"),
        area="actions",
    ),
)
