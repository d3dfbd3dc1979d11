"""Pages of enforcement records: one module per kind, and the register."""
