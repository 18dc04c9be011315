"""The ``tracker`` command: Flask's CLI with the app factory. ``tracker rules explain``
runs the pure engine without an app; every other command comes with the app
(:mod:`tracker.commands`), so this entry point loads no more than it needs."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from tracker import create_app
from tracker.tracking.cli import rules as rules_group


def _create_app() -> Flask:
    try:
        return create_app()
    except RuntimeError as exc:  # configuration errors: one clear line, no traceback
        raise click.ClickException(str(exc)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             help="Children in care tracker. Every command runs against TRACKER_DATABASE_URL "
                  "(default: SQLite in instance/).")
def main() -> None:
    pass


# `tracker rules explain` needs no app or database: the pure engine, attached directly.
main.add_command(rules_group)
