"""Run the DfE validation rules of the public 903 validator on a folder of return CSVs.

Runs under the separate ``.venv-903`` (csc-validator-be-903 needs pandas<2), never
inside the test process; the test calls it with a subprocess and reads the JSON it
prints on stdout:

    .venv-903/bin/python tests/returns/lac_validate.py DIR --year 2026 --la E06000015

``--year`` is the collection year's first calendar year (2026 = 2026–27, ruleset
``lac2026_27``). The validator names a collection by its *end* year ("2027" makes
1 April 2026 – 31 March 2027), so that is what it is given.
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--la", required=True, help="the authority's ONS code, e.g. E06000015")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")

    from lac_validator.lac_validator import LacValidator
    from lac_validator.utils import process_uploaded_files

    ruleset = f"lac{args.year}_{(args.year + 1) % 100:02d}"
    registry = importlib.import_module(f"lac_validator.rules.{ruleset}").registry
    files = sorted(str(p) for p in Path(args.folder).glob("*.csv"))
    uploaded = process_uploaded_files({"This year": files})
    metadata = {"collectionYear": str(args.year + 1), "localAuthority": args.la}
    with contextlib.redirect_stdout(sys.stderr):  # some rules print
        v = LacValidator(metadata=metadata, files=uploaded, registry=registry)
    assert v.metadata["collection_start"] == f"01/04/{args.year}", v.metadata["collection_start"]

    errors: dict[str, dict] = {}
    for table, df in v.ds_results.items():
        if table == "metadata":
            continue
        for col in [c for c in df.columns if str(c).startswith("ERR_")]:
            hit = df[df[col] == True]  # noqa: E712 - pandas element-wise comparison
            if hit.empty:
                continue
            code = col[4:]
            entry = errors.setdefault(code, {"message": registry[code].message, "count": 0, "examples": []})
            entry["count"] += len(hit)
            for idx, row in hit.head(3).iterrows():
                entry["examples"].append({"table": table, "row": int(idx) + 2, "child": str(row.get("CHILD"))})
    json.dump({
        "ruleset": ruleset, "rules": len(registry), "run": len(v.dones), "skipped": sorted(v.skips),
        "failed_to_run": sorted(v.fails), "tables": {t: len(df) for t, df in v.dfs.items()},
        "errors": errors,
    }, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
