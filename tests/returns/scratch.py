"""Run ``tracker`` commands against a scratch SQLite database in its own process (an empty
database for round trips, the demo authority for the validator)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


class Scratch:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.env = {**os.environ, "TRACKER_ENV_NAME": "testing", "TRACKER_INSTANCE_PATH": str(folder),
                    "TRACKER_DATABASE_URL": f"sqlite:///{folder / 'scratch.db'}", "TRACKER_DEMO_PASSWORD": "Scratch-pebble-violin-22",
                    "TRACKER_ARGON2_TIME_COST": "1", "TRACKER_ARGON2_MEMORY_COST": "64"}
        self.env.pop("TRACKER_TEST_DATABASE_URL", None)
        self.run("db", "upgrade")

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        tracker = str(Path(sys.executable).parent / "tracker")
        result = subprocess.run([tracker, *args], env=self.env, capture_output=True, text=True, timeout=300)
        if check:
            assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-4000:])
        return result


def read_folder(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.csv"))}
