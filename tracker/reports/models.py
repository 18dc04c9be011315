"""Benchmark values for the performance dashboard (editable by administrators)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.audit import Audited
from tracker.db import Base, Versioned


class Benchmark(Audited, Versioned, Base):
    """England and statistical-neighbour values for one indicator in one year."""

    __tablename__ = "benchmarks"
    __table_args__ = (UniqueConstraint("indicator", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(60))
    #: Collection year (1 April – 31 March), named by its start year.
    year: Mapped[int]
    england: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    neighbours: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))

    def audit_child_id(self) -> int | None:
        return None
