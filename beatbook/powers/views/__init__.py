"""Pages of the powers app: the catalogue and force designations, and officer designations."""
