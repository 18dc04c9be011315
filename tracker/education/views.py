from __future__ import annotations

from flask import Blueprint

bp = Blueprint("education", __name__)
