"""Importing a previous return: every problem named by file, row and column; nothing
imported while any remain; the same files twice change nothing; export, import into an
empty database and export again gives identical files."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import time_machine
from sqlalchemy import func, select

from tests.helpers import csrf_token, plain, sign_in
from tests.returns.builders import build_all
from tests.returns.scratch import Scratch, read_folder
from tracker.audit.models import AuditEvent
from tracker.children.models import CarePeriod, Child, Placement
from tracker.returns.models import PlacementReturnDetail, ReturnImport
from tracker.reviews.models import Review
from tracker.tracking.models import TrackedItem

FROZEN = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)

HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
REVIEWS = "CHILD,DOB,REVIEW,REVIEW_CODE\n"


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


BAD = {
    "header.csv": HEADER + "R001,M,04/03/2015,WBRI,UN2,,\nR002,F,2014-03-04,WBRI,,0,\n",
    "episodes.csv": EPISODES + "R001,01/06/2026,S,C1,N1,U6,PR1,,,,DE1 1TH,DE22 3BF,SC831001\n"
                               "R002,03/05/2026,S,V2,N2,Z1,,,,,DE1 2NH,DE3 3DG,\n",
    "reviews.csv": REVIEWS + "R001,04/03/2015,20/06/2026,PN1\nX9,01/01/2012,02/07/2026,PN9\n",
    "notes.csv": "CHILD,NOTE\nR001,hello\n",
}
BAD_PROBLEMS = [
    "episodes.csv, row 3, PLACE: Z1 is not a valid placement type code in 2026–27",
    "header.csv, row 3, DOB: '2014-03-04' is not a date in the form dd/mm/YYYY",
    "notes.csv, row 1: The columns (CHILD, NOTE) are not those of any table of the SSDA903 return",
    "reviews.csv, row 3, CHILD: X9 is not in the Header file",
    "reviews.csv, row 3, REVIEW_CODE: 'PN9' is not a valid participation code (PN0, PN1, PN2, PN3, PN4, PN5, PN6, "
    "PN7)",
]


def _counts(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Child, CarePeriod, Placement, Review))


@time_machine.travel(FROZEN, tick=False)
def test_a_bad_return_names_every_problem_and_imports_nothing(app, factory, session, tmp_path) -> None:
    factory.child(entered_care=dt.date(2025, 1, 6))
    before = _counts(session)
    result = app.test_cli_runner().invoke(args=["import", "903", str(write(tmp_path / "bad", BAD))])
    assert result.exit_code == 2
    output = result.output  # stdout and stderr together
    lines = [line.removeprefix("error: ") for line in output.splitlines() if line.startswith("error: ")]
    assert lines == BAD_PROBLEMS
    assert "5 problem(s) found; nothing was imported." in output
    assert _counts(session) == before


@time_machine.travel(FROZEN, tick=False)
def test_the_upload_page_lists_the_problems_and_imports_nothing(client, factory, session, run) -> None:
    sign_in(client, factory.user(role="admin"))
    before = _counts(session)
    token = csrf_token(client, "/returns/import")
    data = {"csrf_token": token, "files": [(io.BytesIO(text.encode()), name) for name, text in BAD.items()]}
    resp = client.post("/returns/import", data=data, content_type="multipart/form-data")
    # The request only stores the files: the import happens in the background.
    assert resp.status_code == 302
    page_url = resp.headers["Location"]
    waiting = plain(client.get(page_url))
    assert "Waiting to start" in waiting and "checks again every 5 seconds" in waiting
    assert run("import-903", today=FROZEN.date()).counts == {"imports": 1, "failed": 0}
    page = plain(client.get(page_url))
    assert "Nothing was imported: 5 problems to fix" in page
    assert "episodes.csv 3 PLACE Z1 is not a valid placement type code in 2026–27" in page
    assert "reviews.csv 3 CHILD X9 is not in the Header file" in page
    assert "checks again" not in page  # finished: the page no longer refreshes itself
    assert _counts(session) == before
    # The upload is deleted once refused; the list of imports links to the page.
    assert session.scalar(select(ReturnImport.upload)) is None
    assert page_url.split("tracker.test")[-1] in client.get("/returns/import").get_data(as_text=True)


GOOD = {
    "header.csv": HEADER + "R001,M,04/03/2015,WBRI,UN2,,\n",
    "episodes.csv": EPISODES + "R001,01/06/2026,S,C1,N1,U6,PR1,20/08/2026,X1,CREQB,DE1 1TH,DE22 3BF,SC831001\n"
                               "R001,20/08/2026,P,C1,N1,K2,PR4,,,,de1 1th,de74ab,SC123456\n",
    "reviews.csv": REVIEWS + "R001,04/03/2015,25/06/2026,PN1\n",
    "previous_permanence.csv": "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\nR001,04/03/2015,Z1,,\n",
}


@time_machine.travel(FROZEN, tick=False)
def test_import_builds_the_care_history_and_twice_changes_nothing(app, factory, session, tmp_path) -> None:
    folder = write(tmp_path / "good", GOOD)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["import", "903", str(folder)])
    assert first.exit_code == 0, first.output
    assert "Importing the 2026–27 return: 1 children." in first.output
    assert "Done: 1 children added" in first.output
    child = session.scalar(select(Child).where(Child.local_id == "R001"))
    assert (child.name, child.date_of_birth, child.sex, child.upn) == ("Child R001", dt.date(2015, 3, 4), "1", "UN2")
    [period] = child.care_periods
    assert (period.start_on, period.end_on, period.reason_new_episode) == (dt.date(2026, 6, 1), None, "S")
    placements = session.scalars(select(Placement).where(Placement.child_id == child.id)
                                 .order_by(Placement.start_on)).all()
    assert [(p.placement_type, p.start_on, p.end_on, p.end_reason, p.postcode_district) for p in placements] == [
        ("U6", dt.date(2026, 6, 1), dt.date(2026, 8, 20), "CREQB", "DE22"),
        ("K2", dt.date(2026, 8, 20), None, None, "DE7")]
    assert placements[0].carer_ref != placements[1].carer_ref  # P: a new carer
    detail = session.scalar(select(PlacementReturnDetail).where(PlacementReturnDetail.placement_id == placements[1].id))
    assert (detail.home_postcode, detail.placement_postcode, detail.urn) == ("DE1 1TH", "DE7 4AB", "SC123456")
    # Due dates were worked out for the new child (first review 20 working days after 1 June).
    assert session.scalar(select(func.count()).select_from(TrackedItem).where(TrackedItem.child_id == child.id)) > 0
    changes = select(func.count()).select_from(AuditEvent).where(AuditEvent.action != "import_903_queued")
    audits = session.scalar(changes)
    counts = _counts(session)
    second = runner.invoke(args=["import", "903", str(folder)])
    assert second.exit_code == 0, second.output
    assert "Nothing to change: the tracker already holds everything in this return." in second.output
    assert _counts(session) == counts
    assert session.scalar(changes) == audits  # only the upload itself is recorded


@time_machine.travel(FROZEN, tick=False)
def test_a_return_that_contradicts_the_tracker_is_refused(app, factory, session, tmp_path) -> None:
    child = factory.child(date_of_birth=dt.date(2015, 3, 5), entered_care=dt.date(2026, 5, 1))
    factory.placement(child=child, start_on=dt.date(2026, 5, 1))
    files = {name: text.replace("R001", child.local_id) for name, text in GOOD.items()}
    before = _counts(session)
    result = app.test_cli_runner().invoke(args=["import", "903", str(write(tmp_path / "c", files))])
    assert result.exit_code == 2
    assert f"error: episodes.csv, row 2, DECOM: {child.local_id} already has a care history in the tracker that " \
           "differs from this return (1 episode(s) in the year); correct one of them" in result.output
    assert "error: header.csv, row 2, DOB: differs from the tracker, which holds 05/03/2015 for this child" \
        in result.output
    assert _counts(session) == before


@time_machine.travel(FROZEN, tick=False)
def test_export_import_into_an_empty_database_and_export_again_is_identical(app, factory, session,
                                                                            tmp_path) -> None:
    build_all(factory)
    original = tmp_path / "original"
    result = app.test_cli_runner().invoke(args=["export", "903", "--year", "2026", "--out", str(original)])
    assert result.exit_code == 0, result.output
    assert len(read_folder(original)) == 12  # every table, SWEpisodes and DoLo included
    empty = Scratch(tmp_path / "empty")
    imported = empty.run("import", "903", str(original))
    assert "Done: 4 children added" in imported.stdout
    empty.run("export", "903", "--year", "2026", "--out", str(tmp_path / "again"))
    assert read_folder(tmp_path / "again") == read_folder(original)
    again = empty.run("import", "903", str(original))
    assert "Nothing to change" in again.stdout
