from __future__ import annotations

import tracker.models  # noqa: F401
from tracker.audit import AUDIT_EXEMPT, Audited
from tracker.db import Base


def test_every_model_is_audited_or_explicitly_exempt() -> None:
    unaudited = []
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        table = cls.__tablename__
        if not issubclass(cls, Audited) and table not in AUDIT_EXEMPT:
            unaudited.append(table)
    assert unaudited == [], "add the Audited mixin, or tracker.audit.exempt(table, reason)"


def test_exemptions_give_reasons() -> None:
    assert all(len(reason) > 10 for reason in AUDIT_EXEMPT.values())
