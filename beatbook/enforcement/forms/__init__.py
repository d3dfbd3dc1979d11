"""Forms of enforcement records, one module per kind."""
