"""``tracker export 903`` and ``tracker import 903``: thin adapters over the services."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from tracker import audit, clock
from tracker.codes import collection_year
from tracker.extensions import db


def _actor(action: str) -> None:
    audit.set_actor(db.session, None, label=f"tracker {action} 903 ({os.environ.get('USER', 'unknown')})")


@click.group("export", help="Exports.")
def export_group() -> None:
    pass


@export_group.command("903")
@click.option("--year", type=int, help="Collection year, by its first year: 2026 is 1 April 2026 – 31 March 2027 "
                                       "(default: the current one)")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the CSV files to (created if missing)")
@with_appcontext
def export_903(year: int | None, out: Path) -> None:
    """Write the SSDA903 return's CSV files for a collection year."""
    from tracker.returns.queries import get_return

    year = year or collection_year(clock.today())
    data = get_return(db.session, year)
    out.mkdir(parents=True, exist_ok=True)
    files = data.files()
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8", newline="")
    _actor("export")
    audit.record(db.session, action="export_903", entity_type="returns",
                 summary=f"Exported the {year}–{(year + 1) % 100:02d} SSDA903 return to {out}")
    db.session.commit()
    click.echo(f"SSDA903 return {year}–{(year + 1) % 100:02d} (1 April {year} – 31 March {year + 1}) written to {out}:")
    for table in data.tables:
        if table.filename in files:
            click.echo(f"  {table.filename:<26} {data.count(table.name):>7} rows")


@click.group("import", help="Imports.")
def import_group() -> None:
    pass


@import_group.command("903")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--year", type=int, help="Collection year by its first year (default: worked out from the dates)")
@with_appcontext
def import_903(folder: Path, year: int | None) -> None:
    """Load a previous SSDA903 return (the CSV files in FOLDER) into the tracker.

    Every row is checked first; if any is wrong, all the problems are listed and nothing
    is imported. Otherwise everything is imported in one transaction.
    """
    from tracker.returns.services import ImportRefused, apply_import, prepare_import

    files = {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}
    if not files:
        raise click.ClickException(f"No CSV files in {folder}")
    session = db.session
    _actor("import")
    try:
        plan = prepare_import(session, files, year=year)
    except ImportRefused as exc:
        session.rollback()
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(exc.problems)} problem(s) found; nothing was imported.", err=True)
        sys.exit(2)
    y = plan.year
    click.echo(f"Importing the {y}–{(y + 1) % 100:02d} return: {len(plan.work)} children.")
    with click.progressbar(length=2 * len(plan.work), label="Importing", show_pos=True) as bar:
        result = apply_import(session, plan, today=clock.today(), progress=bar.update)
    session.commit()
    if result.changed:
        click.echo(f"Done: {result.children_created} children added, {result.children_changed} changed, "
                   f"{result.rows_written} records written; due dates recomputed.")
    else:
        click.echo("Nothing to change: the tracker already holds everything in this return.")


def register(app: Flask) -> None:
    app.cli.add_command(export_group)
    app.cli.add_command(import_group)
