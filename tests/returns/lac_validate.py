"""Run the DfE validation rules of the public 903 validator on folders of return CSVs.

Runs under the separate ``.venv-903`` (csc-validator-be-903 needs pandas<2), never
inside the test process; the test calls it with a subprocess and reads the JSON it
prints on stdout. Several returns are checked in one process (importing pandas and the
rule packs once is most of the cost):

    .venv-903/bin/python tests/returns/lac_validate.py --la E06000015 \
        2025=out/2025:out/2024 2026=out/2026:out/2025

Each job is ``YEAR=FOLDER[:PREVIOUS_FOLDER]``: ``YEAR`` is the collection year's first
calendar year (2026 = 2026–27, ruleset ``lac2026_27``) and the optional second folder is
last year's return, loaded as the validator's "Prev year" upload (as an authority checks
its return). The validator names a collection by its *end* year ("2027" makes 1 April
2026 – 31 March 2027), so that is what it is given. The output maps each job's
``FOLDER`` to its report.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import sys
import warnings
from pathlib import Path


def validate(year: int, folder: str, previous: str | None, la: str) -> dict:
    from lac_validator.datastore import copy_datastore, create_datastore
    from lac_validator.ingress import read_from_text
    from lac_validator.lac_validator import LacValidator
    from lac_validator.utils import process_uploaded_files

    ruleset = f"lac{year}_{(year + 1) % 100:02d}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    uploads = {"This year": sorted(str(p) for p in Path(folder).glob("*.csv"))}
    if previous:
        uploads["Prev year"] = sorted(str(p) for p in Path(previous).glob("*.csv"))
    metadata = {"collectionYear": str(year + 1), "localAuthority": la}
    with contextlib.redirect_stdout(sys.stderr):  # some rules print
        v = LacValidator(metadata=dict(metadata), files=process_uploaded_files(uploads), registry=registry)
    assert v.metadata["collection_start"] == f"01/04/{year}", v.metadata["collection_start"]

    errors: dict[str, dict] = {}
    for table, df in v.ds_results.items():
        if table == "metadata":
            continue
        for col in [c for c in df.columns if str(c).startswith("ERR_")]:
            hit = df[df[col] == True]  # noqa: E712 - pandas element-wise comparison
            if hit.empty:
                continue
            code = col[4:]
            entry = errors.setdefault(code, {"message": registry[code].message, "count": 0, "hits": []})
            entry["count"] += len(hit)
            # The row's index is its position in the CSV file (the header is line 1).
            entry["hits"].extend([table, int(idx)] for idx in hit.index)
    # The validator hands every rule a shallow copy of the same tables, so a rule that
    # changes a column in place changes it for the rules after it. Each failing rule is
    # run again on its own, on freshly read tables, to tell its findings from that.
    if errors:
        dfs, extras = read_from_text(raw_files=process_uploaded_files(uploads))
        pristine = create_datastore(dfs, {**metadata, **extras})
        for code, entry in errors.items():
            fresh = {k: (t.copy(deep=True) if k != "metadata" else t) for k, t in copy_datastore(pristine).items()}
            with contextlib.redirect_stdout(sys.stderr):
                alone = registry[code].func(fresh)
            entry["alone"] = sum(len(rows) for rows in alone.values())
    return {
        "year": year, "ruleset": ruleset, "previous_loaded": bool(previous), "rules": len(registry),
        "run": len(v.dones), "skipped": sorted(v.skips), "failed_to_run": sorted(v.fails),
        "tables": {t: len(df) for t, df in v.dfs.items()}, "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("jobs", nargs="+", help="YEAR=FOLDER[:PREVIOUS_FOLDER]")
    parser.add_argument("--la", required=True, help="the authority's ONS code, e.g. E06000015")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    reports = {}
    for job in args.jobs:
        year, _, folders = job.partition("=")
        folder, _, previous = folders.partition(":")
        reports[folder] = validate(int(year), folder, previous or None, args.la)
    json.dump(reports, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
