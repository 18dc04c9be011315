from __future__ import annotations

from flask import Blueprint

bp = Blueprint("leaving_care", __name__)
