"""Mail goes only to a server that proves who it is: STARTTLS and SMTPS against a real
server with a self-signed certificate, refused until that certificate is trusted through
MAIL_CA_FILE."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select

from tests.alerts.conftest import add_action
from tests.alerts.smtp import SmtpServer
from tracker.alerts.models import OutboxEmail

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (what a council's own relay might use)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.council.invalid")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "relay.pem", folder / "relay.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture(params=["starttls", "smtps"])
def tls_server(request: pytest.FixtureRequest, certificate: tuple[Path, Path], app,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    if request.param == "starttls":
        server = SmtpServer(tls_context=context, require_starttls=True)
        monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    else:
        server = SmtpServer(ssl_context=context)
        monkeypatch.setitem(app.config, "MAIL_USE_SSL", True)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)
    server.start()
    yield server
    server.stop()


def test_mail_is_refused_to_an_untrusted_certificate_and_sent_once_it_is_trusted(
        app, factory, session, authority, run, tls_server, certificate, monkeypatch) -> None:
    child = factory.child(worker=authority.worker)
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 10, 1))
    assert run("scan", MONDAY).status == "ok"

    refused = run("send-email")
    assert refused.status == "failed"
    assert "did not prove who it is (self-signed certificate)" in refused.error
    assert "set MAIL_CA_FILE" in refused.error
    assert tls_server.inbox.received == []
    session.expire_all()
    assert {(e.status, e.attempts) for e in session.scalars(select(OutboxEmail))} == {("pending", 0)}

    monkeypatch.setitem(app.config, "MAIL_CA_FILE", str(certificate[0]))
    sent = run("send-email")
    assert sent.status == "ok" and sent.counts["sent"] == 3
    assert sorted(r.recipients[0] for r in tls_server.inbox.received) == [
        "gm@test.invalid", "tm@test.invalid", "worker@test.invalid"]


def test_a_server_that_offers_no_starttls_is_refused_rather_than_sent_to_in_clear(
        app, factory, session, authority, run, smtp, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    child = factory.child(worker=authority.worker)
    add_action(session, child=child, owner=authority.worker, due_on=dt.date(2026, 10, 1))
    run("scan", MONDAY)
    refused = run("send-email")
    assert refused.status == "failed" and "does not offer STARTTLS" in refused.error
    assert smtp.inbox.received == []
