"""Reads of the powers app, scoped to the actor."""
