"""Forms of the powers app."""
