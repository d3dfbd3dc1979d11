"""Writes of enforcement records: one module per kind, all through `common.prepare_record`
(access, the fields every record has, and the powers check at the moment of the act, with the
refusal audited) and `common.save_record`."""
