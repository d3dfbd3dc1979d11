"""Reads of enforcement records, always scoped to the actor in SQL.

`records_visible_to` is the scope: the records of the neighbourhoods the actor's postings cover,
and the actor's own records wherever they were made. Partners see none.
"""
