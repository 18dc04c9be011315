"""The wheel works on its own: built from what the Dockerfile copies, installed into a fresh
virtual environment outside the repository with the image's commands, migrated with the
compose file's `migrate` command, served by the image's gunicorn command, and signed in to
over HTTP. No Docker engine is needed: this runs the container's commands directly."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.packaging.conftest import clean_env
from tests.packaging.serving import REPO, Browser, Server, dockerfile_cmd, free_port

#: What the Dockerfile's wheel stage copies into the build.
BUILD_INPUTS = ["pyproject.toml", "setup.py", "README.md", "tracker", "templates", "migrations"]
#: The image's install commands (checked against the Dockerfile below). The test keeps
#: pip's cache, which the image does not need.
INSTALL_RUNTIME = "pip install --no-cache-dir --require-hashes -r /tmp/runtime.txt"
INSTALL_WHEEL = "pip install --no-cache-dir --no-deps /tmp/dist/*.whl"
BUILD_WHEEL = "pip wheel --no-cache-dir --no-deps --no-build-isolation -w /dist ."


def _run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / "tracker/static/govuk/govuk-frontend.min.css").is_file():
        pytest.fail("GOV.UK Frontend is not built: `make assets` (make test does it)")
    src = tmp_path_factory.mktemp("wheel-src")
    for name in BUILD_INPUTS:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, src / name)
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", out, ".", cwd=src)
    (built,) = out.glob("tracker-*.whl")
    return built


@pytest.fixture(scope="session")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment outside the repository, installed as the image is."""
    root = tmp_path_factory.mktemp("venv") / "tracker"
    _run(sys.executable, "-m", "venv", root, env=clean_env())
    pip = root / "bin" / "pip"
    _run(pip, "install", "-q", "--require-hashes", "-r", REPO / "requirements" / "runtime.txt", env=clean_env())
    _run(pip, "install", "-q", "--no-deps", wheel, env=clean_env())
    return root


def test_the_dockerfile_runs_the_commands_this_test_runs() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    for command in (INSTALL_RUNTIME, INSTALL_WHEEL, BUILD_WHEEL):
        assert command in dockerfile, command
    for name in BUILD_INPUTS:
        assert re.search(rf"^COPY {name}(/ {name}/| \./)", dockerfile, re.M) or name in (
            "pyproject.toml", "setup.py", "README.md") and f" {name} " in dockerfile.replace("\n", " "), name
    assert dockerfile_cmd() == ["gunicorn", "--config", "python:tracker.gunicorn_conf"]
    assert re.search(r"^USER 10001:10001$", dockerfile, re.M), "the image runs as an unprivileged user"
    compose = (REPO / "compose.yaml").read_text()
    assert 'command: ["tracker", "db", "upgrade"]' in compose
    assert 'command: ["tracker", "scheduler"]' in compose


def test_the_wheel_carries_templates_static_files_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {f"tracker/templates/{p.relative_to(REPO / 'templates')}" for p in (REPO / "templates").rglob("*")
                 if p.is_file()}
    migrations = {f"tracker/migrations/versions/{p.name}" for p in (REPO / "migrations/versions").glob("*.py")}
    assert templates and templates <= names, sorted(templates - names)[:5]
    assert migrations and migrations <= names, sorted(migrations - names)[:5]
    for needed in ("tracker/migrations/env.py", "tracker/migrations/script.py.mako", "tracker/static/init.js",
                   "tracker/static/tracker.css", "tracker/static/govuk/govuk-frontend.min.css",
                   "tracker/static/govuk/govuk-frontend.min.js", "tracker/gunicorn_conf.py"):
        assert needed in names, needed
    assert not [n for n in names if n.startswith(("tests/", "bench/", "node_modules/")) or "__pycache__" in n]
    # Every module of the source tree, namespace packages (folders without __init__.py) too.
    modules = {f"tracker/{p.relative_to(REPO / 'tracker')}" for p in (REPO / "tracker").rglob("*.py")
               if "__pycache__" not in p.parts}
    assert modules <= names, sorted(modules - names)[:5]
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Requires-Python: <3.14,>=3.11" in text or "Requires-Python: >=3.11,<3.14" in text


def test_installed_wheel_migrates_serves_and_signs_in(venv: Path, new_database, workdir: Path) -> None:
    bin_dir = venv / "bin"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env(
        PATH=f"{bin_dir}:/usr/bin:/bin",  # as the image: the venv first
        TRACKER_ENV_NAME="production",
        TRACKER_DATABASE_URL=new_database("wheel"),
        TRACKER_SECRET_KEY=secrets.token_hex(32),
        TRACKER_BASE_URL=base,
        TRACKER_INSTANCE_PATH=str(workdir / "instance"),
        TRACKER_ARGON2_TIME_COST="1", TRACKER_ARGON2_MEMORY_COST="64",
        TRACKER_SCAN_ON_START="false",
        GUNICORN_CMD_ARGS=f"--bind=127.0.0.1:{port}", WEB_CONCURRENCY="1",
    )

    # It runs from the wheel: code, templates and migrations in site-packages.
    where = _run(bin_dir / "python", "-c", "import tracker, tracker.config as c, tracker.migrate as m;"
                 "print(tracker.__file__, c.resource_dir('templates'), m.MIGRATIONS, c.SOURCE_CHECKOUT)",
                 env=env, cwd=workdir).stdout.split()
    assert all(p.startswith(str(venv)) for p in where[:3]), where
    assert where[3] == "False"

    web = Server(dockerfile_cmd(), env, workdir, workdir / "web.log")
    scheduler = None
    try:
        web.wait_for(base + "/healthz")
        browser = Browser(base)
        assert browser.get("/healthz").status == 200
        before = browser.get("/readyz")
        assert before.status == 503
        assert json.loads(before.body)["checks"]["migrations"]["revision"] is None

        _run("tracker", "db", "upgrade", env=env, cwd=workdir)  # compose.yaml's migrate service
        _run("tracker", "users", "create", "--email", "admin@council.invalid", "--name", "Ada Admin",
             "--role", "admin", env={**env, "TRACKER_NEW_USER_PASSWORD": "Ledger-tulip-orbit-river"}, cwd=workdir)
        migrated = json.loads(browser.get("/readyz").body)
        assert migrated["checks"]["migrations"]["ok"] is True
        assert migrated["checks"]["scheduler"]["ok"] is False

        scheduler = Server(["tracker", "scheduler"], env, workdir, workdir / "scheduler.log")
        _wait_ready(browser, scheduler)

        # Sign in over HTTP, and every page asset comes from the wheel.
        answer = browser.sign_in("admin@council.invalid", "Ledger-tulip-orbit-river")
        assert answer.status == 302, answer.body[:500]
        assert any("Secure" in c and "HttpOnly" in c for c in answer.set_cookies)
        home = browser.get("/")
        assert home.status == 200
        assert "Ada Admin" in home.body
        assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', home.body)
        assert len(assets) >= 4
        for path in assets:
            assert browser.get(path).status == 200, path
        assert browser.get("/static/govuk/assets/images/favicon.ico").status == 200
    finally:
        web.stop()
        if scheduler:
            scheduler.stop()

    # Every line the server wrote is JSON; the request lines carry the ids it answered with.
    lines = [json.loads(line) for line in web.log().splitlines()]
    signed_in = [line for line in lines if line.get("path") == "/sign-in" and line.get("method") == "POST"]
    assert len(signed_in) == 1 and signed_in[0]["status"] == 302
    assert signed_in[0]["request_id"] == answer.headers["X-Request-ID"]
    assert all("request_id" in line for line in lines)
    assert "admin@council.invalid" not in web.log()
    for line in scheduler.log().splitlines():
        json.loads(line)


def _wait_ready(browser: Browser, scheduler: Server, timeout: float = 60) -> None:
    import time

    deadline = time.monotonic() + timeout
    while True:
        ready = browser.get("/readyz")
        if ready.status == 200:
            return
        if scheduler.proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"never ready: {ready.body}\n{scheduler.log()[-3000:]}")
        time.sleep(0.5)


def _pins(name: str) -> dict[str, str]:
    text = (REPO / "requirements" / name).read_text()
    return {m.group(1).lower().replace("_", "-"): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^ ;\\]+)", text, re.M)}


def _requirement_names(specs: list[str]) -> set[str]:
    return {re.match(r"[A-Za-z0-9_.-]+", s).group(0).lower().replace("_", "-") for s in specs}


def test_the_lock_files_cover_pyproject_and_keep_test_tools_out_of_the_runtime() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    runtime, test = _pins("runtime.txt"), _pins("test.txt")
    assert _requirement_names(project["dependencies"]) <= set(runtime), "run `make lock`"
    assert _requirement_names(project["optional-dependencies"]["test"]) <= set(test), "run `make lock`"
    assert not {"pytest", "playwright", "ruff", "aiosmtpd"} & set(runtime)
    assert all(test[name] == version for name, version in runtime.items()), "test.txt agrees with runtime.txt"
    for name in ("runtime.txt", "test.txt", "build.txt"):
        text = (REPO / "requirements" / name).read_text()
        blocks = re.split(r"^(?=[A-Za-z0-9])", text, flags=re.M)[1:]  # one per requirement
        # One block per pinned line (a package may be pinned twice, per Python version marker).
        pinned = re.findall(r"^[A-Za-z0-9_.-]+==", text, re.M)
        assert len(blocks) == len(pinned) and all("--hash=sha256:" in b for b in blocks), name
    makefile = (REPO / "Makefile").read_text()
    assert "--require-hashes -r $(REQ)/build.txt -r $(REQ)/runtime.txt" in makefile
    assert re.search(r"^run: install$", makefile, re.M), "make run installs the runtime only"
