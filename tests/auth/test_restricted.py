from __future__ import annotations

from tests.helpers import browser_client, sign_in
from tracker.audit.models import AuditEvent


def _setup(factory):
    service = factory.service()
    team_a = factory.team(service=service)
    team_b = factory.team(service=factory.service())
    worker = factory.user(team=team_a)
    child = factory.child(worker=worker, team=team_a, restricted=True)
    return service, team_a, team_b, worker, child


def test_worker_of_another_team_gets_403_and_it_is_audited(client, factory, session) -> None:
    _, _, team_b, _, child = _setup(factory)
    outsider = factory.user(team=team_b)
    sign_in(client, outsider)
    resp = client.get(f"/children/{child.id}")
    assert resp.status_code == 403
    assert "You cannot open this page" in resp.get_data(as_text=True)
    events = session.query(AuditEvent).filter_by(action="access_denied", child_id=child.id).all()
    assert len(events) == 1 and events[0].actor_id == outsider.id


def test_allocated_worker_and_managers_can_open_a_restricted_child_an_administrator_only_by_policy(
        client, factory, monkeypatch) -> None:
    service, team_a, _, worker, child = _setup(factory)
    colleague = factory.user(team=team_a)
    allowed = [worker, factory.user(role="team_manager", team=team_a),
               factory.user(role="group_manager", service=service)]
    for user in allowed:
        c = browser_client(client.application)
        sign_in(c, user)
        assert c.get(f"/children/{child.id}").status_code == 200, user.role
    refused = [colleague, factory.user(role="admin")]  # a restricted record is not the team's
    for user in refused:
        c = browser_client(client.application)
        sign_in(c, user)
        assert c.get(f"/children/{child.id}").status_code == 403, user.role
    monkeypatch.setitem(client.application.config, "ADMIN_READS_CHILDREN", True)
    assert c.get(f"/children/{child.id}").status_code == 200
    assert c.get(f"/children/{child.id}/edit").status_code == 403  # read-only, even then


def test_team_manager_of_another_team_cannot(client, factory) -> None:
    _, _, team_b, _, child = _setup(factory)
    sign_in(client, factory.user(role="team_manager", team=team_b))
    assert client.get(f"/children/{child.id}").status_code == 403


def test_a_young_persons_personal_adviser_can_open_their_restricted_record(client, factory, session) -> None:
    _, _, team_b, _, child = _setup(factory)
    child.date_of_birth = child.date_of_birth.replace(year=2006)  # a care leaver's age
    pa = factory.user(role="personal_adviser", team=team_b)
    other_pa = factory.user(role="personal_adviser", team=team_b)
    child.personal_adviser_id = pa.id
    session.flush()
    sign_in(client, other_pa)
    assert client.get(f"/children/{child.id}").status_code == 403
    c = browser_client(client.application)
    sign_in(c, pa)
    assert c.get(f"/children/{child.id}").status_code == 200
