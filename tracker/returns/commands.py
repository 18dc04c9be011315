"""``tracker export 903`` and ``tracker import 903``: thin adapters over the services."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext

from tracker import audit, clock
from tracker.codes import collection_year
from tracker.extensions import db
from tracker.returns.jobs import claim, fail, queue_import, run_import
from tracker.returns.parsing import Problem
from tracker.returns.queries import get_return


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
    is imported. Otherwise everything is written in one transaction, then the children's
    due dates are worked out. The import is recorded like one uploaded on the Import
    page (it appears in its list).
    """
    files = {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}
    if not files:
        raise click.ClickException(f"No CSV files in {folder}")
    session = db.session
    label = f"tracker import 903 ({os.environ.get('USER', 'unknown')})"
    audit.set_actor(session, None, label=label)
    record = queue_import(session, files, user_id=None, label=label, year=year)
    session.commit()
    if not claim(session, record.id):
        raise click.ClickException(f"Import {record.id} was taken by another process")
    bar: Any = None

    def progress(r: Any) -> None:
        nonlocal bar
        if r.status == "writing" and r.year:
            y = r.year
            click.echo(f"Importing the {y}–{(y + 1) % 100:02d} return: {r.total_steps} children.")
        elif r.status == "recomputing" and r.total_steps:
            if bar is None:
                bar = click.progressbar(length=r.total_steps, label="Working out due dates", show_pos=True)
                bar.__enter__()
            bar.update(r.done_steps - bar.pos)

    try:
        run_import(session, record, today=clock.today(), on_progress=progress)
    except Exception as exc:
        session.rollback()
        fail(session, record.id, exc)
        raise click.ClickException(f"The import failed: {exc}") from exc
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if record.status == "refused":
        for file, row, column, message in record.problems or []:
            click.echo(f"error: {Problem(file, row, column, message)}", err=True)
        click.echo(f"{len(record.problems or [])} problem(s) found; nothing was imported.", err=True)
        sys.exit(2)
    result = record.result or {}
    if result.get("children_created") or result.get("rows_written"):
        click.echo(f"Done: {result['children_created']} children added, {result['children_changed']} changed, "
                   f"{result['rows_written']} records written in {result.get('write_seconds', 0):.1f} s; "
                   f"due dates worked out for {result.get('recompute', {}).get('children', 0)} children.")
        waiting = result.get("recompute", {}).get("waiting", {})
        if waiting:
            click.echo(f"{len(waiting)} children's due dates are not all worked out:")
            for local_id, message in sorted(waiting.items())[:20]:
                click.echo(f"  {local_id}: {message}")
    else:
        click.echo("Nothing to change: the tracker already holds everything in this return.")


def register(app: Flask) -> None:
    app.cli.add_command(export_group)
    app.cli.add_command(import_group)
