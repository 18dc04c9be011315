"""tracker: statutory case tracking for looked-after children and care leavers."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from tracker.config import (
    DEMO_BASE_URL,
    PROJECT_ROOT,
    SOURCE_CHECKOUT,
    DefaultConfig,
    env_overrides,
    resource_dir,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    # The instance folder (instance/config.py, a demo's SQLite file): TRACKER_INSTANCE_PATH;
    # else instance/ in a source checkout, else Flask's default for an installed package
    # (<venv>/var/tracker-instance).
    instance_path = os.environ.get("TRACKER_INSTANCE_PATH") or (
        str(PROJECT_ROOT / "instance") if SOURCE_CHECKOUT else None)
    from tracker.web import TrackerFlask

    app = TrackerFlask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(resource_dir("templates")),
    )
    _configure(app, test_config)

    from tracker import logs
    from tracker.extensions import csrf, db, login_manager

    logs.init_app(app)
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)  # type: ignore[method-assign]

    _register_models()
    _register_blueprints(app)
    _configure_jinja(app)

    from tracker.commands import register_app_commands

    register_app_commands(app)
    return app


def _configure(app: Flask, test_config: dict[str, Any] | None) -> None:
    defaults = {k: getattr(DefaultConfig, k) for k in dir(DefaultConfig) if k.isupper()}
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(env_overrides(os.environ, defaults))
    if test_config:
        app.config.update(test_config)

    env_name = app.config["ENV_NAME"]
    if env_name not in {"production", "demo", "testing"}:
        raise RuntimeError(f"TRACKER_ENV_NAME must be production, demo or testing, not {env_name!r}")
    app.config["TESTING"] = app.config.get("TESTING") or env_name == "testing"

    if env_name == "production":
        _check_production(app)
    else:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        if not app.config.get("DATABASE_URL"):
            app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'tracker.db'}"
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _demo_secret(app)
        if not app.config.get("BASE_URL"):
            app.config["BASE_URL"] = DEMO_BASE_URL

    # Uploads (and any request) larger than this get the "too large" page (HTTP 413).
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = int(app.config["MAX_UPLOAD_MB"] * 1024 * 1024)


def _check_production(app: Flask) -> None:
    """Production never falls back to a default database, secret or address."""
    missing = [key for key in ("DATABASE_URL", "SECRET_KEY", "BASE_URL") if not app.config.get(key)]
    if missing:
        names = ", ".join(f"TRACKER_{key}" for key in missing)
        raise RuntimeError(
            f"Production needs {names} to be set (environment variables, or instance/config.py). "
            "For a local demo, use `make run`."
        )
    base = urlsplit(app.config["BASE_URL"])
    if base.scheme not in ("http", "https") or not base.netloc or base.query or base.fragment:
        raise RuntimeError(
            "TRACKER_BASE_URL must be the address people use to reach the service, "
            f"like https://apps.council.gov.uk/tracker, not {app.config['BASE_URL']!r}."
        )


def _demo_secret(app: Flask) -> str:
    """Demo/testing: a random key kept in instance/ so every process shares it."""
    if app.config["ENV_NAME"] == "testing":
        return secrets.token_hex(32)
    path = Path(app.instance_path) / "demo-secret-key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _register_models() -> None:
    # Import every model module so metadata is complete (migrations, audit checks).
    import tracker.models  # noqa: F401


#: Every blueprint, by module (each domain's ``views.py`` defines ``bp``).
BLUEPRINTS = (
    "tracker.web",
    "tracker.probes",
    "tracker.auth.views",
    "tracker.children.views",
    "tracker.placements.views",
    "tracker.tracking.views",
    "tracker.actions.views",
    "tracker.reviews.views",
    "tracker.health.views",
    "tracker.education.views",
    "tracker.permanence.views",
    "tracker.visits.views",
    "tracker.missing.views",
    "tracker.leaving_care.views",
    "tracker.alerts.views",
    "tracker.alerts.admin",
    "tracker.meetings.views",
    "tracker.reports.views",
    "tracker.returns.views",
    "tracker.allocation.views",
)


def _register_blueprints(app: Flask) -> None:
    import importlib

    from tracker.web import init_app as init_web

    init_web(app)
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)


def _configure_jinja(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(resource_dir("templates"))),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)
