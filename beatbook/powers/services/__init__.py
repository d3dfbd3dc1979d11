"""Writes of the powers app: `loader` (the baseline catalogue), `catalogue` (powers, penalty
tariffs, force designations) and `designations` (officer designations and training)."""
