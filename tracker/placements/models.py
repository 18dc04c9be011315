"""Placements (903 PLACE / PLACE_PROVIDER / REASON_PLACE_CHANGE)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.audit import Audited
from tracker.children.models import Child
from tracker.db import Base, Versioned


class Placement(Audited, Versioned, Base):
    __tablename__ = "placements"
    __table_args__ = (
        CheckConstraint("end_on IS NULL OR end_on >= start_on", name="end_after_start"),
        CheckConstraint("weekly_cost IS NULL OR weekly_cost >= 0", name="cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="CASCADE"), index=True)
    start_on: Mapped[dt.date]
    end_on: Mapped[dt.date | None]
    #: 903 PLACE.
    placement_type: Mapped[str] = mapped_column(String(3))
    #: 903 PLACE_PROVIDER.
    provider: Mapped[str | None] = mapped_column(String(3))
    #: Postcode district of the placement (e.g. "LS6"), never the full address.
    postcode_district: Mapped[str | None] = mapped_column(String(4))
    #: Distance band: more than 20 miles from home, and outside the authority's boundary.
    over_20_miles: Mapped[bool] = mapped_column(Boolean, default=False)
    outside_authority: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    weekly_cost: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    #: Carer reference, to tell a change of carer (RNE P/B) from same carer (T/U).
    carer_ref: Mapped[str | None] = mapped_column(String(30))
    #: 903 REASON_PLACE_CHANGE, when the placement ended.
    end_reason: Mapped[str | None] = mapped_column(String(6))

    child: Mapped[Child] = relationship()

    @property
    def distance_band(self) -> str:
        miles = "over 20 miles" if self.over_20_miles else "under 20 miles"
        where = "outside the authority" if self.outside_authority else "inside the authority"
        return f"{miles}, {where}"
