"""Serving tracker as a deployment does, for the packaging tests: gunicorn with the
container's command, in its own process, and a small HTTP client with a cookie jar that
sends the session cookie as a browser on loopback would (it is ``Secure`` in production,
which Python's own cookie jar keeps off plain http)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def dockerfile_cmd() -> list[str]:
    """The image's command (the last CMD, exec form)."""
    lines = [line for line in (REPO / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")]
    return json.loads(lines[-1].removeprefix("CMD "))


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: str


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Browser:
    base: str  # e.g. http://127.0.0.1:8123/tracker
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, path: str, data: dict[str, str] | None = None) -> Response:
        req = urllib.request.Request(self.base + path, method="POST" if data is not None else "GET",
                                     data=urllib.parse.urlencode(data).encode() if data is not None else None)
        if self.cookies:
            req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        opener = urllib.request.build_opener(NoRedirect)
        try:
            resp = opener.open(req, timeout=30)
        except urllib.error.HTTPError as err:
            resp = err
        with resp:
            set_cookies = resp.headers.get_all("Set-Cookie") or []
            for raw in set_cookies:
                for name, morsel in SimpleCookie(raw).items():
                    self.cookies[name] = morsel.value
            return Response(resp.status, dict(resp.headers.items()), set_cookies, resp.read().decode(errors="replace"))

    def get(self, path: str) -> Response:
        return self.request(path)

    def sign_in(self, email: str, password: str) -> Response:
        page = self.get("/sign-in")
        assert page.status == 200, page.status
        token = CSRF_RE.search(page.body).group(1)
        return self.request("/sign-in", {"csrf_token": token, "email": email, "password": password})


class Server:
    """``command`` in its own process, its output (JSON lines) kept in ``log``."""

    def __init__(self, command: list[str], env: dict[str, str], cwd: Path, log: Path) -> None:
        self.log_path = log
        self._log = open(log, "w")
        self.proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT)

    def wait_for(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{url} did not answer:\n{self.log()}") from None
                time.sleep(0.2)

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
