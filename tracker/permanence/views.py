from __future__ import annotations

from flask import Blueprint

bp = Blueprint("permanence", __name__)
