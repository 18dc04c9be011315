"""The guard of every page about one child: ``@for_child(area, action)``.

It signs the user in if needed, loads the child named by the URL's ``child_id`` (404 if
there is none), asks :mod:`tracker.children.access` whether the user may read or change
that part of the record, and refuses with the 403 page otherwise — the refusal recorded
in the audit trail (``access_denied``). A page of a restricted child that is opened is
recorded too (``view``: "who viewed this record"; every child's with
``LOG_ALL_CHILD_VIEWS``). The view finds the child with
:func:`tracker.children.pages.get_child_or_403`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, g, request
from flask_login import current_user

from tracker import audit
from tracker.children import access
from tracker.children.models import Child
from tracker.extensions import db

F = TypeVar("F", bound=Callable[..., Any])

#: What the audit trail calls a look at a child's record.
VIEW_ACTION = "view"


def refuse(child: Child) -> None:
    """Record the refusal in the child's history, then answer 403."""
    audit.record_and_commit(db.session, action="access_denied", entity_type="children", entity_id=child.id,
                            child_id=child.id, summary=f"Refused {request.method} {request.path}"[:500])
    abort(403)


def _record_view(child: Child, area: str) -> None:
    if not (child.restricted or current_app.config["LOG_ALL_CHILD_VIEWS"]):
        return
    audit.record_and_commit(db.session, action=VIEW_ACTION, entity_type="children", entity_id=child.id,
                            child_id=child.id, summary=f"{access.AREAS[area].label.split(' (')[0]}: {request.path}"[:500])


def for_child(area: str, action: str = access.READ) -> Callable[[F], F]:
    """Guard a page about one child (its URL has ``child_id``): the signed-in user may
    ``action`` (read or write) the ``area`` of this child's record."""
    spec = access.AREAS[area]  # a typo fails at import time

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            child = db.session.get(Child, kwargs["child_id"])
            if child is None:
                abort(404)
            if not access.allows(current_user, child, area, action):
                refuse(child)
            g.child, g.child_area = child, area
            if request.method == "GET":
                _record_view(child, area)
            return view(*args, **kwargs)

        # What the structural tests read: the capability a role needs for this page at
        # all, and the part of the record it is about.
        wrapped.required_capability = (  # type: ignore[attr-defined]
            spec.read_capability if action == access.READ else spec.write_capability)
        wrapped.access_area = area  # type: ignore[attr-defined]
        wrapped.access_action = action  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate
