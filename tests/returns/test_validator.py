"""Acceptance: the demo authority's return for the current collection year passes the
DfE's validation rules, as the public validator csc-validator-be-903 (Data to Insight,
formerly Social Finance) applies them; and the return survives a trip through an empty
database unchanged.

The validator needs pandas<2, so it lives in its own virtualenv, ``.venv-903`` at the
repository root, created here the first time and reused afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.returns.scratch import Scratch, read_folder
from tracker import clock
from tracker.codes import collection_year
from tracker.returns.demo import DEMO_LA_ONS_CODE

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-903"
VALIDATOR = "csc-validator-be-903==0.1.17"
#: Rules the validator cannot run on any CSV upload (its own defects, not our data):
#: 231 reads a UASC_STATUS column the CSV reader never makes; 233 reads
#: DATE_EPISODE_CEASED, which is not a column of Episodes.
CANNOT_RUN = {"231", "233"}


def _validator_python() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists() or subprocess.run([str(python), "-c", "import lac_validator"],
                                             capture_output=True).returncode != 0:
        subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
        (VENV / ".gitignore").write_text("*\n")
        pip = subprocess.run([str(python), "-m", "pip", "install", "-q", VALIDATOR], capture_output=True, text=True,
                             timeout=600)
        assert pip.returncode == 0, f"could not install {VALIDATOR}: {pip.stderr[-2000:]}"
    return python


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scratch, Path, int]:
    year = collection_year(clock.today())
    scratch = Scratch(tmp_path_factory.mktemp("demo903"))
    scratch.run("demo", "--children", "200", "--seed", "1")
    out = scratch.folder / "return"
    scratch.run("export", "903", "--year", str(year), "--out", str(out))
    return scratch, out, year


def test_the_demo_return_passes_the_dfe_validation_rules(demo) -> None:  # noqa: ANN001
    _scratch, out, year = demo
    python = _validator_python()
    run = subprocess.run([str(python), str(ROOT / "tests" / "returns" / "lac_validate.py"), str(out),
                          "--year", str(year), "--la", DEMO_LA_ONS_CODE],
                         capture_output=True, text=True, timeout=600, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout)
    print(f"\n{report['ruleset']}: {report['run']} of {report['rules']} rules ran on {report['tables']}; "
          f"{len(report['skipped'])} skipped (tables the demo has no rows for, or last year's return); "
          f"could not run: {report['failed_to_run']}")
    assert report["ruleset"] == f"lac{year}_{(year + 1) % 100:02d}"
    assert report["tables"]["Episodes"] > 200 and report["tables"]["OC2"] > 100 and report["tables"]["OC3"] > 5
    assert report["run"] >= 200
    assert set(report["failed_to_run"]) <= CANNOT_RUN
    assert report["errors"] == {}, json.dumps(report["errors"], indent=1)


def test_the_demo_return_round_trips_through_an_empty_database(demo, tmp_path) -> None:  # noqa: ANN001
    _scratch, out, year = demo
    empty = Scratch(tmp_path / "empty")
    result = empty.run("import", "903", str(out))
    assert "children added" in result.stdout
    empty.run("export", "903", "--year", str(year), "--out", str(tmp_path / "again"))
    assert read_folder(tmp_path / "again") == read_folder(out)
    assert "Nothing to change" in empty.run("import", "903", str(out)).stdout
