"""The how-to's logins table says what DEMO_LOGINS says (the one list of demo logins)."""

from __future__ import annotations

from pathlib import Path

from beatbook.demo.logins import DEMO_LOGINS, DEMO_PASSWORD

DOC = Path(__file__).resolve().parents[3] / "docs" / "how-to" / "demo-data.md"


def table_rows() -> list[list[str]]:
    return [
        [cell.strip().strip("`") for cell in line.strip("|").split("|")]
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    ]


def test_the_logins_table_matches_demo_logins() -> None:
    rows = table_rows()
    assert [row[0] for row in rows] == [login.username for login in DEMO_LOGINS]
    for row, login in zip(rows, DEMO_LOGINS, strict=True):
        assert row[1] == str(login.role.label)
        assert login.force_slug.startswith(row[2].lower())
        assert row[3] == login.area or not login.area
        assert row[4] == login.sees


def test_the_doc_gives_the_password() -> None:
    assert f"**`{DEMO_PASSWORD}`**" in DOC.read_text(encoding="utf-8")
