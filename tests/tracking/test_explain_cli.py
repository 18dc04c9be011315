"""`tracker rules explain` (spec/scenarios.md) and strict scenario parsing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tracker.tracking.cli import rules
from tracker.tracking.scenario import ScenarioError, parse_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).parent / "scenarios"
ITEM_KEYS = ["kind", "sequence", "term", "age", "due", "completed", "status", "explanation"]

SPEC_EXAMPLE: dict[str, Any] = {
    "today": "2026-11-22",
    "child": {"id": "C1", "date_of_birth": "2015-03-04"},
    "config": {"due_soon_days": 14},
    "events": [
        {"date": "2026-01-05", "type": "entered_care", "legal_status": "C2"},
        {"date": "2026-01-28", "type": "review_held"},
        {"date": "2026-01-20", "type": "health_assessment", "kind": "initial"},
        {"date": "2026-03-02", "type": "sdq", "score": 15},
        {"date": "2026-06-30", "type": "left_care", "reason": "E13"},
    ],
}


def write(tmp_path: Path, doc: Any, name: str = "scenario.json") -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


def run(*args: str) -> Any:
    return CliRunner().invoke(rules, ["explain", *args])


def with_events(*events: dict[str, Any], **top: Any) -> dict[str, Any]:
    doc = {
        "today": "2026-11-22",
        "child": {"id": "C9", "date_of_birth": "2015-03-04"},
        "events": list(events),
    }
    doc.update(top)
    return doc


def assert_one_line_error(result: Any, contains: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert contains in lines[0]
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ success


def test_explain_prints_the_documented_json(tmp_path: Path) -> None:
    result = run(write(tmp_path, SPEC_EXAMPLE))
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == ["child", "today", "items"]
    assert (out["child"], out["today"]) == ("C1", "2026-11-22")
    first = out["items"][0]
    assert list(first) == ITEM_KEYS
    review = next(i for i in out["items"] if i["kind"] == "review")
    assert review == {
        **review,
        "sequence": 1,
        "term": None,
        "age": None,
        "due": "2026-02-02",
        "completed": "2026-01-28",
        "status": "done_on_time",
    }
    assert "20 working days" in review["explanation"]
    assert result.stdout.startswith('{\n  "child": "C1"')  # indent=2


def test_today_option_overrides_the_scenario(tmp_path: Path) -> None:
    doc = with_events(
        {"date": "2025-09-01", "type": "entered_care", "legal_status": "C2"},
        child={"id": "B1", "date_of_birth": "2025-06-01"},
    )
    path = write(tmp_path, doc)
    out = json.loads(run(path, "--today", "2025-09-15").stdout)
    assert out["today"] == "2025-09-15"
    review = next(i for i in out["items"] if i["kind"] == "review")
    assert (review["due"], review["status"]) == ("2025-09-29", "due_soon")
    review_now = next(i for i in json.loads(run(path).stdout)["items"] if i["kind"] == "review")
    assert review_now["status"] == "overdue"


def test_today_option_when_scenario_has_no_today(tmp_path: Path) -> None:
    doc = with_events()
    del doc["today"]
    path = write(tmp_path, doc)
    assert json.loads(run(path, "--today", "2026-01-01").stdout)["items"] == []
    assert_one_line_error(run(path), 'missing "today"')


def test_expected_and_note_keys_are_ignored(tmp_path: Path) -> None:
    doc = {**SPEC_EXAMPLE, "note": "anything", "expected": [{"nonsense": True}]}
    assert run(write(tmp_path, doc)).exit_code == 0


def test_every_scenario_file_runs_through_the_cli() -> None:
    for path in sorted(SCENARIOS.glob("*.json")):
        result = run(str(path))
        assert result.exit_code == 0, (path.name, result.stderr)
        doc = json.loads(path.read_text(encoding="utf-8"))
        got = [{k: i[k] for k in ITEM_KEYS[:-1]} for i in json.loads(result.stdout)["items"]]
        assert got == doc["expected"], path.name


# ------------------------------------------------------------------ errors


def test_unreadable_file(tmp_path: Path) -> None:
    assert_one_line_error(run(str(tmp_path / "missing.json")), "cannot read")


def test_invalid_json(tmp_path: Path) -> None:
    assert_one_line_error(run(write(tmp_path, '{"today": "2026-11-22",')), "not valid JSON")


def test_not_an_object(tmp_path: Path) -> None:
    assert_one_line_error(run(write(tmp_path, "[1, 2]")), "scenario must be a JSON object")


def test_bad_today_option(tmp_path: Path) -> None:
    assert_one_line_error(
        run(write(tmp_path, SPEC_EXAMPLE), "--today", "22/11/2026"),
        '--today "22/11/2026" is not a valid date (YYYY-MM-DD)',
    )


def test_bad_date_message_names_event_index_and_type(tmp_path: Path) -> None:
    doc = with_events(
        {"date": "2026-01-05", "type": "entered_care", "legal_status": "C2"},
        {"date": "2026-01-28", "type": "review_held"},
        {"date": "2026-01-20", "type": "health_assessment", "kind": "initial"},
        {"date": "2026-02-30", "type": "review_held"},
    )
    result = run(write(tmp_path, doc))
    assert_one_line_error(result, "")
    assert result.stderr.strip() == (
        'error: event 3 (review_held): date "2026-02-30" is not a valid date (YYYY-MM-DD)'
    )


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            {"date": "2026-01-05", "type": "reviewed"},
            'event 0 (reviewed): unknown event type "reviewed"',
        ),
        ({"date": "2026-01-05"}, 'event 0 (?): missing "type"'),
        ({"type": "review_held"}, 'event 0 (review_held): missing "date"'),
        ({"date": "2026-1-5", "type": "review_held"}, 'date "2026-1-5" is not a valid date'),
        ({"date": 20260105, "type": "review_held"}, "date 20260105 is not a valid date"),
        ({"date": "2010-01-01", "type": "review_held"}, "before the date of birth 2015-03-04"),
        (
            {"date": "2026-01-05", "type": "legal_status_changed"},
            'event 0 (legal_status_changed): missing field "legal_status"',
        ),
        (
            {"date": "2026-01-05", "type": "entered_care", "legal_status": "C9"},
            'legal_status "C9" is not a 903 legal status code',
        ),
        (
            {"date": "2026-01-05", "type": "health_assessment", "kind": "annual"},
            'kind "annual" is not one of initial, review',
        ),
        (
            {"date": "2026-01-05", "type": "sdq", "score": 41},
            "score 41 is not a whole number from 0 to 40",
        ),
        ({"date": "2026-01-05", "type": "sdq", "score": "12"}, 'score "12" is not a whole number'),
        (
            {"date": "2026-01-05", "type": "proceedings_extended", "weeks": 9},
            "weeks 9 is not a whole number from 1 to 8",
        ),
        (
            {"date": "2026-01-05", "type": "permanence_plan_agreed", "plan": "fostering"},
            'plan "fostering" is not one of',
        ),
        (
            {
                "date": "2026-01-05",
                "type": "accommodation_changed",
                "accommodation": "Q",
                "suitable": True,
            },
            'accommodation "Q" is not an OC3 accommodation letter',
        ),
        (
            {
                "date": "2026-01-05",
                "type": "accommodation_changed",
                "accommodation": "U",
                "suitable": "yes",
            },
            'suitable "yes" is not true or false',
        ),
        (
            {
                "date": "2026-01-05",
                "type": "care_leaver_data_recorded",
                "in_touch": "MAYBE",
                "activity": "F1",
                "accommodation": "U",
                "suitable": True,
            },
            'in_touch "MAYBE"',
        ),
        (
            {
                "date": "2026-01-05",
                "type": "care_leaver_data_recorded",
                "in_touch": "YES",
                "activity": "F9",
                "accommodation": "U",
                "suitable": True,
            },
            'activity "F9" is not a 903 activity code',
        ),
        ({"date": "2026-01-05", "type": "proceedings_extended"}, 'missing field "weeks"'),
        ({"date": "2026-01-05", "type": "final_order", "order": "Care Order!"}, 'order "Care Order!" is not'),
        (
            {"date": "2026-01-05", "type": "action", "id": "a", "title": "t", "due": "2026-01-01"},
            "before the date set",
        ),
        (
            {"date": "2026-01-05", "type": "left_care", "reason": "E13"},
            "event 0 (left_care): 2026-01-05 is not in a period of care",
        ),
        (
            {"date": "2026-01-05", "type": "legal_status_changed", "legal_status": "C1"},
            "event 0 (legal_status_changed)",
        ),
        ("review_held", "event 0: must be an object"),
    ],
)
def test_event_errors(tmp_path: Path, event: Any, message: str) -> None:
    assert_one_line_error(run(write(tmp_path, with_events(event))), message)


def test_left_care_reason_must_be_a_rec_code(tmp_path: Path) -> None:
    doc = with_events(
        {"date": "2026-01-05", "type": "entered_care", "legal_status": "C2"},
        {"date": "2026-02-05", "type": "left_care", "reason": "E99"},
    )
    assert_one_line_error(run(write(tmp_path, doc)), 'event 1 (left_care): reason "E99"')


def test_entered_care_while_looked_after(tmp_path: Path) -> None:
    doc = with_events(
        {"date": "2026-01-05", "type": "entered_care", "legal_status": "C2"},
        {"date": "2026-02-05", "type": "entered_care", "legal_status": "C1"},
    )
    assert_one_line_error(
        run(write(tmp_path, doc)),
        "event 1 (entered_care): entered care on 2026-02-05 while already looked after",
    )


@pytest.mark.parametrize(
    ("top", "message"),
    [
        ({"today": "2026-13-01"}, 'today "2026-13-01" is not a valid date'),
        ({"child": {"id": "C1"}}, 'child: missing "date_of_birth"'),
        ({"child": {"id": "", "date_of_birth": "2015-03-04"}}, "child id"),
        ({"child": {"id": "C1", "date_of_birth": "2027-01-01"}}, "is after today"),
        ({"child": {"id": "C1", "date_of_birth": "04/03/2015"}}, 'date_of_birth "04/03/2015"'),
        ({"child": None}, 'missing "child"'),
        ({"config": {"due_soon": 3}}, 'unknown config key "due_soon"'),
        ({"config": {"dental_months": 0}}, "dental_months must be between"),
        ({"config": []}, "config must be an object"),
        ({"events": {}}, '"events" must be a list'),
    ],
)
def test_top_level_errors(tmp_path: Path, top: dict[str, Any], message: str) -> None:
    assert_one_line_error(run(write(tmp_path, with_events(**top))), message)


def test_calendar_error_is_reported(tmp_path: Path) -> None:
    doc = with_events(
        {"date": "2028-09-04", "type": "entered_care", "legal_status": "C2"},
        today="2029-10-01",
        child={"id": "C1", "date_of_birth": "2018-01-01"},
    )
    assert_one_line_error(run(write(tmp_path, doc)), "error: no term dates for 2028/29")


def test_parse_scenario_returns_engine_inputs() -> None:
    facts, today, config = parse_scenario({**SPEC_EXAMPLE, "config": {"dental_months": 6}})
    assert facts.child_id == "C1" and str(today) == "2026-11-22" and config.dental_months == 6
    assert [e.index for e in facts.events] == [0, 1, 2, 3, 4]
    assert facts.events[3].data == {"score": 15}


def test_scenario_error_is_one_line() -> None:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(with_events({"date": "2026-01-05", "type": "x\ny"}))
    assert "\n" not in str(exc.value)


# ------------------------------------------------------------------ a real process


def test_real_subprocess_run(tmp_path: Path) -> None:
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "tracker.tracking.cli",
            "explain",
            write(tmp_path, SPEC_EXAMPLE),
            "--today",
            "2026-11-22",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["child"] == "C1"
    bad = subprocess.run(
        [sys.executable, "-m", "tracker.tracking.cli", "explain", write(tmp_path, "{", "bad.json")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert len(bad.stderr.splitlines()) == 1 and bad.stderr.startswith("error: ")
    assert "Traceback" not in bad.stderr


def test_fields_that_only_describe_an_event_are_optional_and_extra_fields_ignored(tmp_path: Path) -> None:
    doc = with_events(
        {"date": "2026-01-05", "type": "entered_care"},
        {"date": "2026-01-28", "type": "review_held", "participation": "PN1", "chaired_by": "IRO"},
        {"date": "2026-03-02", "type": "sdq"},
        {"date": "2026-06-30", "type": "left_care"},
    )
    result = run(write(tmp_path, doc))
    assert result.exit_code == 0, result.output
    kinds = [i["kind"] for i in json.loads(result.stdout)["items"]]
    assert "review" in kinds and "sdq" in kinds


# ------------------------------------------------------------------ rules.md §9 events

IN_CARE = {"date": "2026-01-05", "type": "entered_care", "legal_status": "C1"}


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (
            {"date": "2026-02-01", "type": "missing_started", "kind": "X"},
            'event 1 (missing_started): kind "X" is not one of M, A',
        ),
        ({"date": "2026-02-01", "type": "missing_started"}, 'event 1 (missing_started): missing field "kind"'),
        (
            {"date": "2026-02-01", "type": "return_home_interview", "outcome": "offered"},
            'event 1 (return_home_interview): outcome "offered" is not one of held, declined',
        ),
        (
            {"date": "2026-02-01", "type": "placement_started", "placement_type": "U6", "long_term": "yes"},
            'event 1 (placement_started): long_term "yes" is not true or false',
        ),
        (
            {"date": "2026-02-01", "type": "placement_started", "placement_type": "U6", "long_term": 1},
            "event 1 (placement_started): long_term 1 is not true or false",
        ),
        (
            {"date": "2026-02-01", "type": "placement_started", "placement_type": "P1",
             "temporary_approval": None},
            "event 1 (placement_started): temporary_approval None is not true or false",
        ),
        (
            {"date": "2026-02-01", "type": "placement_started", "placement_type": "Q9"},
            'event 1 (placement_started): placement_type "Q9" is not a 903 placement type code',
        ),
        (
            {"date": "2026-02-01", "type": "placement_started"},
            'event 1 (placement_started): missing field "placement_type"',
        ),
    ],
)
def test_new_event_fields_are_checked(tmp_path: Path, event: Any, message: str) -> None:
    assert_one_line_error(run(write(tmp_path, with_events(IN_CARE, event))), message)


@pytest.mark.parametrize(
    ("events", "message"),
    [
        (
            [{"date": "2026-02-01", "type": "missing_started", "kind": "M"},
             {"date": "2026-02-02", "type": "missing_started", "kind": "A"}],
            "event 2 (missing_started) on 2026-02-02: a missing episode is already open (started on 2026-02-01)",
        ),
        (
            [{"date": "2026-02-01", "type": "missing_ended"}],
            "event 1 (missing_ended) on 2026-02-01: no missing episode is open to end",
        ),
        (
            [{"date": "2026-02-01", "type": "missing_started", "kind": "M"},
             {"date": "2026-03-01", "type": "left_care", "reason": "E13"},
             {"date": "2026-03-02", "type": "missing_ended"}],
            "event 2 (left_care) on 2026-03-01: the missing episode that started on 2026-02-01 has not ended",
        ),
        (
            [{"date": "2026-02-01", "type": "missing_started", "kind": "A"},
             {"date": "2026-03-01", "type": "left_care", "reason": "E13"}],
            "has not ended; missing episodes end by the end of the period of care",
        ),
        (
            [{"date": "2026-03-01", "type": "left_care", "reason": "E13"},
             {"date": "2026-03-10", "type": "placement_started", "placement_type": "U6"}],
            "event 2 (placement_started) on 2026-03-10: placements are only recorded while looked after",
        ),
        (
            [{"date": "2026-03-01", "type": "left_care", "reason": "E13"},
             {"date": "2026-03-10", "type": "placement_ended"}],
            "event 2 (placement_ended) on 2026-03-10: placements are only recorded while looked after",
        ),
    ],
)
def test_contradictory_facts_exit_2_with_one_line(tmp_path: Path, events: list[Any], message: str) -> None:
    assert_one_line_error(run(write(tmp_path, with_events(IN_CARE, *events))), message)


def test_placement_before_care_is_an_error(tmp_path: Path) -> None:
    doc = with_events({"date": "2025-12-20", "type": "placement_started", "placement_type": "U6"}, IN_CARE)
    assert_one_line_error(run(write(tmp_path, doc)), "event 0 (placement_started) on 2025-12-20")


def test_new_events_run_with_only_their_required_fields(tmp_path: Path) -> None:
    doc = with_events(
        IN_CARE,
        {"date": "2026-01-05", "type": "placement_started", "placement_type": "P1"},
        {"date": "2026-01-06", "type": "care_plan_completed"},
        {"date": "2026-01-07", "type": "placement_plan_completed"},
        {"date": "2026-01-08", "type": "visit"},
        {"date": "2026-01-20", "type": "missing_started", "kind": "M"},
        {"date": "2026-01-21", "type": "missing_ended"},
        {"date": "2026-01-22", "type": "return_home_interview"},
        {"date": "2026-02-01", "type": "placement_ended"},
    )
    result = run(write(tmp_path, doc))
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)["items"]
    done = {(i["kind"], i["completed"]) for i in items if i["completed"]}
    assert done == {("care_plan", "2026-01-06"), ("placement_plan", "2026-01-07"), ("visit", "2026-01-08"),
                    ("return_home_interview", "2026-01-22")}
    visits = [i for i in items if i["kind"] == "visit"]
    # Under C1 with parents: weekly; the next visit (2026-01-15) closes when the placement ends.
    assert [(v["due"], v["status"], v["sequence"]) for v in visits] == [
        ("2026-01-12", "done_on_time", 1), ("2026-01-15", "closed", 1)]
    assert "7 days" in visits[1]["explanation"] and "C1" in visits[1]["explanation"]
