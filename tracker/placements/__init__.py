"""Placements: history, moves, end reasons."""
