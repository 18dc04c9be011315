"""``tracker items …``: app-bound commands for tracked items."""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask import Flask
from flask.cli import with_appcontext

from tracker import audit, clock
from tracker.extensions import db
from tracker.tracking.services import RecomputeResult, all_child_ids, recompute_children


@click.group("items", help="Tracked items (due dates).")
def items_group() -> None:
    pass


@items_group.command("recompute")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Compute as of this day (default: today)")
@click.option("--batch", default=500, show_default=True, help="Children per transaction")
@click.option("--quiet", is_flag=True, help="No progress bar")
@with_appcontext
def recompute(today: dt.datetime | None, batch: int, quiet: bool) -> None:
    """Recompute every child's tracked items (idempotent: unchanged data changes nothing)."""
    day = today.date() if today else clock.today()
    session = db.session
    audit.set_actor(session, None, label="tracker items recompute")
    ids = all_child_ids(session)
    total = RecomputeResult()
    with click.progressbar(length=len(ids), label="Recomputing", show_pos=True, hidden=quiet) as bar:
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            r = recompute_children(session, chunk, today=day, batch=batch)
            session.commit()
            total.add(r)
            bar.update(len(chunk))
    click.echo(f"{total.children} children: {total.inserted} items added, {total.updated} changed, "
               f"{total.deleted} removed (as of {day.isoformat()}).")
    for year, count in total.children_waiting_by_year().items():
        click.echo(f"PEPs wait for term dates for {year}: {count} {'child' if count == 1 else 'children'} "
                   f"(add the terms on the term dates page)", err=True)
    for child_id, message in sorted(total.errors.items())[:20]:
        click.echo(f"error: child {child_id}: {message}", err=True)
    if total.errors:
        click.echo(f"{len(total.errors)} children could not be computed; their items were left unchanged.", err=True)
        sys.exit(1)


def register(app: Flask) -> None:
    app.cli.add_command(items_group)
