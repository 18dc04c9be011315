"""Reads for the return: the export for a year, and the data-quality findings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from tracker.auth.models import User
from tracker.auth.roles import READ_ALL_CHILDREN
from tracker.children.models import Child, Placement
from tracker.children.queries import visible_to
from tracker.returns.dataquality import RULES, Finding, check_child
from tracker.returns.export import ReturnData, build_return
from tracker.returns.facts import load_facts
from tracker.returns.models import (
    DeprivationOfLiberty,
    PlacementReturnDetail,
    ReturnImport,
    SocialWorkerEpisode,
)


def get_return(session: Session, year: int, child_ids: Sequence[int] | None = None) -> ReturnData:
    """The SSDA903 return for the collection year starting 1 April ``year``."""
    return build_return(load_facts(session, child_ids).values(), year)


def get_child_findings(session: Session, child_id: int, year: int) -> list[Finding]:
    facts = load_facts(session, [child_id]).get(child_id)
    return check_child(facts, year) if facts is not None else []


def list_findings(session: Session, user: User, year: int) -> dict[str, list[tuple[Child, list[Finding]]]]:
    """Rule code -> the children (visible to ``user``) it finds problems with, in the
    order of the rules table; children by name."""
    children = {c.id: c for c in session.scalars(select(Child).where(visible_to(user))
                                                 .order_by(Child.last_name, Child.first_name, Child.id))}
    by_rule: dict[str, list[tuple[Child, list[Finding]]]] = {r.code: [] for r in RULES}
    facts = load_facts(session, None if user.can(READ_ALL_CHILDREN) else list(children))
    for child_id, child in children.items():
        if child_id not in facts:
            continue
        findings = check_child(facts[child_id], year)
        for code in dict.fromkeys(f.code for f in findings):
            by_rule[code].append((child, [f for f in findings if f.code == code]))
    return {code: rows for code, rows in by_rule.items() if rows}


def list_placement_details(session: Session, child_id: int) -> list[tuple[Placement, PlacementReturnDetail | None]]:
    """The child's placements, newest first, with their postcodes and URN."""
    return list(session.execute(
        select(Placement, PlacementReturnDetail)
        .outerjoin(PlacementReturnDetail, PlacementReturnDetail.placement_id == Placement.id)
        .where(Placement.child_id == child_id).order_by(Placement.start_on.desc())))  # type: ignore[arg-type]


def list_imports(session: Session, limit: int = 10) -> list[ReturnImport]:
    """The latest imports, newest first (without their uploads)."""
    return list(session.scalars(select(ReturnImport).options(defer(ReturnImport.upload))
                                .order_by(ReturnImport.id.desc()).limit(limit)))


def list_waiting_children(session: Session, record: ReturnImport) -> list[tuple[Child | None, str, str]]:
    """(child, CHILD, why) for each imported child whose due dates are not all worked out,
    as the recompute reported them; the child is None if it has since been deleted."""
    waiting: dict[str, str] = ((record.result or {}).get("recompute") or {}).get("waiting") or {}
    if not waiting:
        return []
    ids = sorted(waiting)
    children: dict[str, Child] = {}
    for i in range(0, len(ids), 900):
        children.update({c.local_id: c for c in session.scalars(select(Child).where(Child.local_id.in_(ids[i:i + 900])))})
    return [(children.get(local_id), local_id, waiting[local_id]) for local_id in ids]


def list_social_workers(session: Session, child_id: int) -> list[SocialWorkerEpisode]:
    """The child's social-worker episodes, newest first."""
    return list(session.scalars(select(SocialWorkerEpisode).where(SocialWorkerEpisode.child_id == child_id)
                                .order_by(SocialWorkerEpisode.start_on.desc())))


def list_deprivation_of_liberty(session: Session, child_id: int) -> list[DeprivationOfLiberty]:
    """The child's deprivation of liberty orders, newest first."""
    return list(session.scalars(select(DeprivationOfLiberty).where(DeprivationOfLiberty.child_id == child_id)
                                .order_by(DeprivationOfLiberty.start_on.desc())))
