"""Errors services raise; views turn them into messages on the form."""

from __future__ import annotations


class ValidationError(Exception):
    """Domain validation failed: ``errors`` maps form field names to messages.

    The key ``"_form"`` holds messages that belong to no single field.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class ConflictError(Exception):
    """The record changed since the form was opened (optimistic locking)."""

    message = "This record was changed by someone else since you opened it. Check the current values below and make your change again."

    def __init__(self, current: object | None = None) -> None:
        super().__init__(self.message)
        self.current = current
