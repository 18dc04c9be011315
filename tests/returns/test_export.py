"""The SSDA903 export: files, exact columns and values, cohorts, codes by year, the page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import time_machine
from sqlalchemy import select

from tests.helpers import browser_client, plain, sign_in
from tests.returns.builders import D, build_all, place
from tracker.audit.models import AuditEvent
from tracker.returns.tables import BY_NAME

FROZEN = dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC)


def export(app, tmp_path: Path, year: int) -> dict[str, list[list[str]]]:
    out = tmp_path / f"x{year}"
    result = app.test_cli_runner().invoke(args=["export", "903", "--year", str(year), "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = {}
    for path in sorted(out.glob("*.csv")):
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        files[path.name] = rows
    return files


@time_machine.travel(FROZEN, tick=False)
def test_episodes_follow_each_change_with_the_right_codes(app, factory, session, tmp_path) -> None:
    kids = build_all(factory)
    ada, bea, cal = kids["adopted"].local_id, kids["long_stay"].local_id, kids["new"].local_id
    files = export(app, tmp_path, 2026)
    assert files["episodes.csv"][0] == list(BY_NAME["Episodes"].columns)
    rows = [r for r in files["episodes.csv"][1:] if r[0] == ada]
    assert rows == [
        # Open on 1 April (the January move to a new carer); ended by a move to the same carer.
        [ada, "10/01/2026", "P", "C2", "N1", "U4", "PR4", "05/05/2026", "X1", "CARPL", "DE1 1TH", "DE23 8EF",
         "SC100002"],
        [ada, "05/05/2026", "T", "C2", "N1", "U5", "PR4", "01/07/2026", "X1", "CARPL", "DE1 1TH", "DE23 8EF",
         "SC100002"],
        # Placement order and placed for adoption with the same carer: U. The move to a
        # temporary placement next carries no reason (DfE rule 226).
        [ada, "01/07/2026", "U", "E1", "N1", "A5", "PR4", "15/08/2026", "X1", "", "DE1 1TH", "DE23 8EF",
         "SC100002"],
        [ada, "15/08/2026", "P", "E1", "N1", "T2", "", "22/08/2026", "X1", "", "DE1 1TH", "NG7 2GA", ""],
        # Back to the usual placement after the temporary one is always P (rule 383).
        [ada, "22/08/2026", "P", "E1", "N1", "A5", "PR4", "20/10/2026", "E12", "", "DE1 1TH", "DE23 8EF",
         "SC100002"],
    ]
    assert [r for r in files["episodes.csv"][1:] if r[0] == cal] == [
        [cal, "01/06/2026", "S", "C1", "N1", "U6", "PR1", "", "", "", "DE21 6DD", "DE24 8LT", "SC831001"]]
    # A UASC child: no home postcode, so the DfE works out no distance (rule 406).
    assert [r for r in files["episodes.csv"][1:] if r[0] == bea] == [
        [bea, "08/01/2024", "S", "V2", "N1", "K2", "PR4", "", "", "", "", "DE7 3BG", "SC200300"]]
    # The year before: the same care history, cut at 31 March 2026 (the P episode still open then).
    before = [r for r in export(app, tmp_path, 2025)["episodes.csv"][1:] if r[0] == ada]
    assert [r[1:4] + r[7:10] for r in before] == [
        ["01/05/2025", "S", "C1", "01/10/2025", "X1", ""],
        ["01/10/2025", "L", "C2", "10/01/2026", "X1", "CREQB"],
        ["10/01/2026", "P", "C2", "", "", ""],
    ]


@time_machine.travel(FROZEN, tick=False)
def test_every_table_has_its_columns_cohort_and_values(app, factory, session, tmp_path) -> None:
    kids = build_all(factory)
    ada, bea, cal, dee = (kids[k].local_id for k in ("adopted", "long_stay", "new", "leaver"))
    files = export(app, tmp_path, 2026)
    assert set(files) == {"header.csv", "episodes.csv", "reviews.csv", "uasc.csv", "oc2.csv", "oc3.csv", "ad1.csv",
                          "placed_for_adoption.csv", "previous_permanence.csv", "missing.csv", "sw_episodes.csv",
                          "dolo.csv"}
    for table in BY_NAME.values():
        assert files[table.filename][0] == list(table.columns), table.name
    body = {name: rows[1:] for name, rows in files.items()}
    # SEX is M/F from 2024–25; MOTHER only for girls looked after; the care leaver is in
    # the Header because of OC3, without MOTHER.
    assert body["header.csv"] == [
        [ada, "F", "04/03/2019", "WBRI", "", "0", ""],
        [bea, "F", "15/06/2010", "WBRI", "A12345678901B", "1", "01/08/2026"],
        [cal, "M", "09/09/2014", "WBRI", "B12345678901C", "", ""],
        [dee, "M", "20/09/2007", "WBRI", "C12345678901D", "", ""],
    ]
    assert body["reviews.csv"] == [[ada, "04/03/2019", "20/04/2026", "PN1"], [ada, "04/03/2019", "01/10/2026", ""],
                                   [bea, "15/06/2010", "07/07/2026", "PN5"]]
    # UASC status ends at 18 unless another date is recorded (DfE rule 205B).
    assert body["uasc.csv"] == [[bea, "F", "15/06/2010", "15/06/2028"]]
    # Only Bea was looked after for the whole year. SDQ score, health assessment and
    # teeth check come from her health records; the rest from the OC2 record.
    assert body["oc2.csv"] == [[bea, "15/06/2010", "18", "", "0", "", "1", "0", "1", "1", "0", "1"]]
    assert body["oc3.csv"] == [[dee, "20/09/2007", "YES", "F2", "U1"]]
    assert body["ad1.csv"] == [[ada, "04/03/2019", "02/03/2026", "20/06/2026", "1", "2", "MF", "L11"]]
    assert body["placed_for_adoption.csv"] == [[ada, "04/03/2019", "02/03/2026", "", ""],
                                               [bea, "15/06/2010", "03/06/2024", "30/04/2026", "RD1"]]
    assert body["previous_permanence.csv"] == [[cal, "09/09/2014", "P2", "831", "ZZ/05/2019"]]
    assert body["missing.csv"] == [[bea, "15/06/2010", "M", "10/05/2026", "11/05/2026"],
                                   [bea, "15/06/2010", "A", "01/11/2026", ""]]
    # SW_REASON is why each worker took over, on the open episode too (rules SW01b, SW13).
    assert body["sw_episodes.csv"] == [[ada, "04/03/2019", "SW0001", "01/05/2025", "30/06/2026", "FCONTA"],
                                       [ada, "04/03/2019", "SW0002", "30/06/2026", "", "LEFTRL"]]
    assert body["dolo.csv"] == [[bea, "15/06/2010", "01/09/2026", ""]]


@time_machine.travel(FROZEN, tick=False)
def test_codes_and_cohorts_follow_the_collection_year(app, factory, session, tmp_path) -> None:
    from tracker.leaving_care.models import CareLeaverRecord
    from tracker.returns.models import ChildReturnDetail

    # Semi-independent living (H5) from 2024: H5 in 2024–25, its successor K3 from 2025–26.
    eve = factory.child(first_name="Eve", date_of_birth=D(2007, 2, 1), entered_care=D(2023, 1, 9), legal_status="V2")
    eve.sex = "2"
    factory.session.add(ChildReturnDetail(child_id=eve.id, mother=True, first_child_born_on=D(2025, 9, 1)))
    place(factory, eve, D(2023, 1, 9), D(2024, 6, 3), "U6", "PR1", "A", end_reason="CHILD", post="DE3 3DG",
          urn="SC831001")
    place(factory, eve, D(2024, 6, 3), D(2025, 2, 1), "H5", "PR4", "B", post="DE22 4AJ", urn="2100200")
    eve.care_periods[0].end_on, eve.care_periods[0].reason_ceased = D(2025, 2, 1), "E17"
    # Left care on her 18th birthday: no OC3 at 18 (DfE rule 1016) even with data recorded.
    factory.session.add(CareLeaverRecord(child_id=eve.id, recorded_on=D(2025, 2, 10), in_touch="YES",
                                         activity="G6", accommodation="Z", suitable=True))
    factory.session.flush()
    y2024 = export(app, tmp_path, 2024)
    y2023 = export(app, tmp_path, 2023)
    assert [r[5] for r in y2024["episodes.csv"][1:]] == ["U6", "H5"]
    assert [r[5] for r in y2023["episodes.csv"][1:]] == ["U6"]
    # SEX 1/2 before 2024–25; a first child born after the year is not in it.
    assert y2023["header.csv"][1][1:] == ["2", "01/02/2007", "WBRI", "", "0", ""]
    assert y2024["header.csv"][1][1:] == ["F", "01/02/2007", "WBRI", "", "0", ""]
    assert "oc3.csv" not in y2024
    leo = factory.child(first_name="Leo", date_of_birth=D(2008, 1, 5), entered_care=D(2024, 11, 4), legal_status="V2")
    place(factory, leo, D(2024, 11, 4), None, "H5", "PR4", "C", post="DE22 4AJ", urn="2100200")
    y2025 = export(app, tmp_path, 2025)
    assert [r[5] for r in y2025["episodes.csv"][1:] if r[0] == leo.local_id] == ["K3"]


@time_machine.travel(FROZEN, tick=False)
def test_administrators_download_the_return_and_nobody_else(app, factory, session) -> None:
    build_all(factory)
    team = factory.team()
    for user in (factory.user(role="social_worker", team=team), factory.user(role="team_manager", team=team),
                 factory.user(role="group_manager", service=factory.service())):
        other = browser_client(app)
        sign_in(other, user)
        assert other.get("/returns").status_code == 403, user.role
        assert other.get("/returns/download?year=2026").status_code == 403, user.role
    admin = browser_client(app)
    sign_in(admin, factory.user(role="admin"))
    page = plain(admin.get("/returns?year=2026"))
    assert "SSDA903 return 2026–27" in page and "ad1.csv" in page and "oc3.csv" in page
    resp = admin.get("/returns/download?year=2026")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == 'attachment; filename="ssda903-2026-27.zip"'
    with zipfile.ZipFile(io.BytesIO(resp.data)) as zf:
        names = set(zf.namelist())
        header = zf.read("header.csv").decode()
    assert {"header.csv", "episodes.csv", "oc2.csv", "oc3.csv", "ad1.csv"} <= names
    assert header.splitlines()[0] == "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"
    assert session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "export_903")) == \
        "Downloaded the 2026–27 SSDA903 return"
