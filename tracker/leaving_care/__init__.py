"""leaving care."""
