"""The organisation's pages, by subject: people and postings, my profile, the force's structure."""
