"""Missing and away episodes and return home interviews: recording, the checks that keep
the return and the rules engine consistent, the 72-hour item (rules.md §9), the 903
Missing table and the meeting pack's "missing or away now"."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.children.casework import field_error, frozen, recompute
from tests.helpers import plain, sign_in, submit
from tracker.missing.models import MissingEpisode
from tracker.tracking.models import TrackedItem

D = dt.date


def _interviews(session, child_id: int) -> list[tuple[D, str, D | None]]:
    session.expire_all()
    return [(i.due_on, i.status, i.completed_on) for i in session.scalars(
        select(TrackedItem).where(TrackedItem.child_id == child_id, TrackedItem.kind == "return_home_interview")
        .order_by(TrackedItem.due_on))]


def _setup(factory, **kw):
    sw = factory.user(team=factory.team())
    child = factory.child(worker=sw, entered_care=D(2026, 6, 1), date_of_birth=D(2011, 2, 3), **kw)
    factory.placement(child=child, start_on=D(2026, 6, 1))
    recompute(factory.session, child)
    return sw, child


@frozen
def test_a_missing_episode_needs_a_return_home_interview_within_72_hours(client, factory, session) -> None:
    sw, child = _setup(factory)
    sign_in(client, sw)
    url = f"/children/{child.id}/missing/new"
    resp = submit(client, url, {"kind": "M", "start_on": D(2026, 11, 10), "end_on": D(2026, 11, 12)}, follow=True)
    assert "Missing episode recorded" in plain(resp)
    # Due 3 days (72 hours) after the return on 12 November: 15 November; overdue today.
    assert _interviews(session, child.id) == [(D(2026, 11, 15), "overdue", None)]
    item = session.scalar(select(TrackedItem).where(TrackedItem.child_id == child.id,
                                                    TrackedItem.kind == "return_home_interview"))
    assert item is not None and item.explanation.startswith(
        "Return home interview: 3 days (72 hours) after the return on 2026-11-12 from a missing episode that "
        "started on 2026-11-10 = 2026-11-15")
    episode = session.scalar(select(MissingEpisode).where(MissingEpisode.child_id == child.id))
    assert episode is not None
    resp = submit(client, f"/children/{child.id}/missing/{episode.id}/edit", {
        "kind": "M", "start_on": D(2026, 11, 10), "end_on": D(2026, 11, 12), "interview": "declined",
        "interview_on": D(2026, 11, 14), "version": str(episode.version)}, follow=True)
    assert "Missing episode saved" in plain(resp)
    assert _interviews(session, child.id) == [(D(2026, 11, 15), "done_on_time", D(2026, 11, 14))]
    page = plain(client.get(f"/children/{child.id}/missing"))
    assert "10/11/2026 12/11/2026 Missing (whereabouts not known) Offered, the child declined, 14/11/2026" in page
    chronology = plain(client.get(f"/children/{child.id}/chronology"))
    assert "12/11/2026 Returned Return home interview: offered, the child declined on 14/11/2026" in chronology


@frozen
def test_away_without_authorisation_has_no_interview(client, factory, session) -> None:
    sw, child = _setup(factory)
    sign_in(client, sw)
    url = f"/children/{child.id}/missing/new"
    refused = submit(client, url, {"kind": "A", "start_on": D(2026, 11, 10), "end_on": D(2026, 11, 10),
                                   "interview": "held", "interview_on": D(2026, 11, 11)})
    assert field_error(refused, "interview") == ("A return home interview is for a child who was missing, not away "
                                                 "without authorisation: leave it as not recorded")
    assert submit(client, url, {"kind": "A", "start_on": D(2026, 11, 10), "end_on": D(2026, 11, 10)}).status_code == 302
    assert _interviews(session, child.id) == []
    assert "Not needed (away)" in plain(client.get(f"/children/{child.id}/missing"))


@frozen
def test_bad_episodes_are_refused_with_a_message_next_to_the_field(client, factory, session) -> None:
    sw, child = _setup(factory)
    sign_in(client, sw)
    url = f"/children/{child.id}/missing/new"
    empty = submit(client, url, {})
    assert field_error(empty, "kind") == "Select whether the child was missing or away without authorisation"
    assert field_error(empty, "start_on") == "Enter the date the episode started"
    backwards = submit(client, url, {"kind": "M", "start_on": D(2026, 11, 10), "end_on": D(2026, 11, 9)})
    assert field_error(backwards, "end_on") == "Date the child returned must be on or after the start (10/11/2026)"
    before_care = submit(client, url, {"kind": "M", "start_on": D(2026, 5, 30), "end_on": D(2026, 6, 2)})
    assert field_error(before_care, "start_on") == ("Date the episode started must be while the child was looked "
                                                    "after")
    no_date = submit(client, url, {"kind": "M", "start_on": D(2026, 11, 1), "end_on": D(2026, 11, 2),
                                   "interview": "held"})
    assert field_error(no_date, "interview_on") == "Enter the date of the return home interview"
    no_outcome = submit(client, url, {"kind": "M", "start_on": D(2026, 11, 1), "end_on": D(2026, 11, 2),
                                      "interview_on": D(2026, 11, 3)})
    assert field_error(no_outcome, "interview") == "Select what happened to the return home interview"
    too_early = submit(client, url, {"kind": "M", "start_on": D(2026, 11, 1), "end_on": D(2026, 11, 2),
                                     "interview": "held", "interview_on": D(2026, 11, 1)})
    assert field_error(too_early, "interview_on") == ("Date of the return home interview must be on or after the "
                                                      "return (02/11/2026)")
    still_missing = submit(client, url, {"kind": "M", "start_on": D(2026, 11, 1), "interview": "offered",
                                         "interview_on": D(2026, 11, 3)})
    assert field_error(still_missing, "interview_on") == ("Enter the date the child returned first: the interview "
                                                          "comes after it")
    bad_code = submit(client, url, {"kind": "X", "start_on": D(2026, 11, 1), "interview": "maybe"})
    assert field_error(bad_code, "kind") == "Select whether the child was missing or away without authorisation"
    assert field_error(bad_code, "interview") == "Select what happened to the return home interview from the list"
    assert session.scalar(select(MissingEpisode).where(MissingEpisode.child_id == child.id)) is None
    # An open episode, then another one while the child is still missing: refused.
    assert submit(client, url, {"kind": "M", "start_on": D(2026, 11, 20)}).status_code == 302
    overlap = submit(client, url, {"kind": "A", "start_on": D(2026, 11, 21), "end_on": D(2026, 11, 21)})
    assert field_error(overlap, "start_on") == ("This overlaps the episode from 20/11/2026 (the child has not "
                                                "returned): record when the child returned first")
    page = plain(client.get(f"/children/{child.id}/missing"))
    assert "Alex has been missing since 20/11/2026. Record the date they return." in page


@frozen
def test_an_episode_ends_by_the_end_of_care_and_may_start_the_day_the_last_one_ended(client, factory,
                                                                                     session) -> None:
    sw = factory.user()
    child = factory.child(worker=sw, entered_care=D(2026, 6, 1), date_of_birth=D(2011, 2, 3))
    factory.placement(child=child, start_on=D(2026, 6, 1), end_on=D(2026, 10, 1), end_reason="CARPL")
    period = child.care_periods[0]
    period.end_on, period.reason_ceased = D(2026, 10, 1), "E13"
    session.flush()
    recompute(session, child)
    sign_in(client, sw)
    url = f"/children/{child.id}/missing/new"
    open_after_care = submit(client, url, {"kind": "M", "start_on": D(2026, 9, 28)})
    assert field_error(open_after_care, "end_on") == ("Alex stopped being looked after on 01/10/2026: an episode "
                                                      "ends by then. Enter the date the child returned")
    assert submit(client, url, {"kind": "M", "start_on": D(2026, 9, 20), "end_on": D(2026, 9, 22)}).status_code == 302
    # Missing again the day they came back: a new episode (the 903 allows it).
    assert submit(client, url, {"kind": "M", "start_on": D(2026, 9, 22), "end_on": D(2026, 9, 23),
                                "interview": "held", "interview_on": D(2026, 9, 24)}).status_code == 302
    # The interview on 24 September follows both returns, so it completes both items (rules.md §9
    # reading 6), each due 3 days after its return; leaving care on 1 October closes neither.
    assert _interviews(session, child.id) == [(D(2026, 9, 25), "done_on_time", D(2026, 9, 24)),
                                              (D(2026, 9, 26), "done_on_time", D(2026, 9, 24))]


@frozen
def test_deleting_an_episode_removes_its_interview_item_and_is_audited(client, factory, session) -> None:
    from tracker.audit.models import AuditEvent

    sw, child = _setup(factory)
    episode = MissingEpisode(child_id=child.id, kind="M", start_on=D(2026, 11, 1), end_on=D(2026, 11, 2))
    session.add(episode)
    session.flush()
    recompute(session, child)
    assert len(_interviews(session, child.id)) == 1
    sign_in(client, sw)
    page = plain(client.get(f"/children/{child.id}/missing/{episode.id}/delete"))
    assert "Missing or away Missing (whereabouts not known) Started 01/11/2026 Returned 02/11/2026" in page
    stale = submit(client, f"/children/{child.id}/missing/{episode.id}/delete", {"version": "99"})
    assert "changed by someone else" in plain(stale)
    resp = submit(client, f"/children/{child.id}/missing/{episode.id}/delete", {"version": str(episode.version)},
                  follow=True)
    assert "Missing episode deleted" in plain(resp)
    assert _interviews(session, child.id) == []
    event = session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "missing_episodes",
                                                    AuditEvent.action == "delete"))
    assert event is not None and event.actor_id == sw.id and event.before["start_on"] == "2026-11-01"


@frozen
def test_recorded_episodes_are_in_the_903_missing_table(client, factory, session) -> None:
    from tracker.returns.queries import get_return

    sw, child = _setup(factory)
    sign_in(client, sw)
    assert submit(client, f"/children/{child.id}/missing/new", {
        "kind": "M", "start_on": D(2026, 7, 3), "end_on": D(2026, 7, 5), "interview": "held",
        "interview_on": D(2026, 7, 6)}).status_code == 302
    assert submit(client, f"/children/{child.id}/missing/new", {"kind": "A", "start_on": D(2026, 11, 21)}
                  ).status_code == 302
    rows = [line for line in get_return(session, 2026).files()["missing.csv"].splitlines()
            if line.startswith(child.local_id)]
    assert rows == [f"{child.local_id},03/02/2011,M,03/07/2026,05/07/2026",
                    f"{child.local_id},03/02/2011,A,21/11/2026,"]


@frozen
def test_the_meeting_pack_lists_children_missing_now(client, factory, session) -> None:
    service = factory.service()
    team = factory.team(service=service)
    gm = factory.user(role="group_manager", service=service)
    sw = factory.user(team=team)
    away = factory.child(worker=sw, entered_care=D(2026, 6, 1), first_name="Rosa", date_of_birth=D(2011, 2, 3))
    back = factory.child(worker=sw, entered_care=D(2026, 6, 1), first_name="Omar", date_of_birth=D(2011, 2, 3))
    session.add_all([MissingEpisode(child_id=away.id, kind="A", start_on=D(2026, 11, 18)),
                     MissingEpisode(child_id=back.id, kind="M", start_on=D(2026, 11, 1), end_on=D(2026, 11, 3))])
    session.flush()
    sign_in(client, gm)
    page = plain(client.get(f"/meetings/pack?service={service.id}"))
    assert "Missing or away now (1)" in page
    assert (f"Rosa {away.last_name} {away.local_id} {team.name} Away from placement without authorisation since "
            "18/11/2026 (4 days)") in page
    assert "Omar" not in page.split("Missing or away now (1)")[1].split("In pre-proceedings")[0]
    drill = plain(client.get(f"/meetings/pack/list?metric=missing_now&team=all&service={service.id}"))
    assert f"Rosa {away.last_name}" in drill and "Omar" not in drill
