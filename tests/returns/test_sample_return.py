"""Onboarding from a previous return: a council uploads its last return into an empty
tracker. The sample (``tests/returns/sample``: six children made by the demo generator,
given new IDs) is the 2025–26 return the validator accepts (checked in
test_validator.py): children in care since 2021, a UASC child, an adoption, a new
arrival with a previous special guardianship order, missing episodes, a care leaver.

Uploaded on the Import page and imported by the background job, it gives every child
their due dates, says which wait for something, and exporting the year again gives the
files back byte for byte; importing them again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from tests.helpers import csrf_token, plain, sign_in
from tests.returns.scratch import read_folder
from tracker.children.models import Child
from tracker.returns.models import ReturnImport
from tracker.tracking.models import TrackedItem

SAMPLE = Path(__file__).parent / "sample"
FROZEN = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


def _upload(client, folder: Path) -> str:
    token = csrf_token(client, "/returns/import")
    files = [(io.BytesIO(p.read_bytes()), p.name) for p in sorted(folder.glob("*.csv"))]
    resp = client.post("/returns/import", data={"csrf_token": token, "files": files},
                       content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
    return resp.headers["Location"]


@pytest.fixture()
def imported(app, client, factory, session, run) -> Iterator[str]:
    """The sample uploaded by an administrator and imported by the job (on 22/11/2026)."""
    with time_machine.travel(FROZEN, tick=True):  # ticking: each job run has a slot of its own
        sign_in(client, factory.user(role="admin"))
        assert session.scalar(select(func.count()).select_from(Child)) == 0  # an empty tracker
        page = _upload(client, SAMPLE)
        assert run("import-903", today=FROZEN.date()).counts == {"imports": 1, "failed": 0}
        yield page


def test_the_sample_round_trips_byte_for_byte_and_twice_changes_nothing(app, client, session, imported, run,
                                                                        tmp_path) -> None:
    page = plain(client.get(imported))
    assert "Import of an SSDA903 return for 2025–26" in page
    assert "Imported 6 children added, 0 changed" in page
    assert "Children in the return 6" in page and "Due dates worked out 6 children" in page
    out = tmp_path / "again"
    result = app.test_cli_runner().invoke(args=["export", "903", "--year", "2025", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert read_folder(out) == read_folder(SAMPLE)
    # The same files again: nothing to change, and the page says so.
    again = _upload(client, out)
    run("import-903", today=FROZEN.date())
    assert "Nothing to change The tracker already holds everything in this return" in plain(client.get(again))
    assert session.scalar(select(func.count()).select_from(Child)) == 6
    # The uploads are not kept once imported.
    assert session.scalars(select(ReturnImport.upload)).all() == [None, None]


def test_the_result_page_names_the_children_whose_due_dates_wait(client, session, imported) -> None:
    waiting = session.scalar(select(ReturnImport.result))["recompute"]["waiting"]
    page = plain(client.get(imported))
    for local_id, why in waiting.items():
        assert f"{local_id} {why}" in page
    # Every child whose items the recompute could not all work out is named there, with why.
    with_error = dict(session.execute(select(Child.local_id, Child.items_error)
                                      .where(Child.items_error.is_not(None))).all())
    assert with_error == waiting


@pytest.mark.xfail(strict=True, raises=AssertionError,
                   reason="S000006 is in the return only for OC3 (no episodes): follow-up work")
def test_every_child_in_the_sample_has_due_dates_with_only_peps_waiting(session, imported) -> None:
    for child in session.scalars(select(Child).order_by(Child.local_id)):
        kinds = set(session.scalars(select(TrackedItem.kind).where(TrackedItem.child_id == child.id)))
        assert kinds - {"initial_pep", "pep"}, f"{child.local_id} has no due dates: {child.items_error}"
        assert child.items_error is None or "PEP" in child.items_error, (child.local_id, child.items_error)
