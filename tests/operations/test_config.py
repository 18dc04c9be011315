"""Production refuses to start without its database, secret and address; demo and
testing fill in defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tracker import create_app

BIN = Path(sys.executable).parent


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith("TRACKER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path))
    return tmp_path


def test_production_names_every_missing_setting(clean_env: Path) -> None:
    with pytest.raises(RuntimeError) as err:
        create_app({"ENV_NAME": "production"})
    message = str(err.value)
    for name in ("TRACKER_DATABASE_URL", "TRACKER_SECRET_KEY", "TRACKER_BASE_URL"):
        assert name in message
    assert not (clean_env / "tracker.db").exists(), "no SQLite file is made behind the operator's back"


@pytest.mark.parametrize("missing", ["DATABASE_URL", "SECRET_KEY", "BASE_URL"])
def test_production_refuses_each_one_missing(clean_env: Path, missing: str) -> None:
    config = {"ENV_NAME": "production", "DATABASE_URL": "sqlite:///" + str(clean_env / "x.db"),
              "SECRET_KEY": "k" * 40, "BASE_URL": "https://apps.council.example/tracker"}
    del config[missing]
    with pytest.raises(RuntimeError, match=f"TRACKER_{missing}"):
        create_app(config)


@pytest.mark.parametrize("base_url", ["127.0.0.1:5000", "ftp://council.example", "https://", "https://x/?a=1"])
def test_production_refuses_a_base_url_that_is_not_an_address(clean_env: Path, base_url: str) -> None:
    with pytest.raises(RuntimeError, match="TRACKER_BASE_URL must be the address"):
        create_app({"ENV_NAME": "production", "DATABASE_URL": "sqlite:///" + str(clean_env / "x.db"),
                    "SECRET_KEY": "k" * 40, "BASE_URL": base_url})


def test_the_command_says_what_is_missing_in_one_line(clean_env: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["TRACKER_INSTANCE_PATH"] = str(tmp_path)
    env["TRACKER_SECRET_KEY"] = "k" * 40
    done = subprocess.run([str(BIN / "tracker"), "db", "upgrade"], env=env, capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert done.returncode == 1
    assert "Production needs TRACKER_DATABASE_URL, TRACKER_BASE_URL to be set" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list(tmp_path.glob("*.db"))
