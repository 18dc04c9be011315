"""Reads for the return: the export for a year, and the data-quality listings."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from tracker.returns.export import ReturnData, build_return
from tracker.returns.facts import load_facts


def get_return(session: Session, year: int, child_ids: Sequence[int] | None = None) -> ReturnData:
    """The SSDA903 return for the collection year starting 1 April ``year``."""
    return build_return(load_facts(session, child_ids).values(), year)
