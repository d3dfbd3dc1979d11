"""Redacted copies for the portfolio: no name, address or date of birth of a party survives, the role or
marker takes its place, and the ordinary words around it stay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from beatbook.learning.redaction import Party, Redacted, leaks, redact_fields, redact_text

CALLER = Party(
    name="Mrs Jane O'Neill-Smith",
    role="the caller",
    address="14 Mill Road, Cambridge CB1 2AB",
    date_of_birth=dt.date(1990, 3, 7),
    aliases=("Janey",),
)
JOHN = Party(name="John Smith", role="person 2")
BROWN = Party(name="Will Brown", role="the suspect", address="Flat 3, 22a Regent Street, Cambridge CB2 1AB")
ROSE = Party(name="Mark Rose", role="the witness", date_of_birth=dt.date(2001, 11, 23))
WOOD = Party(name="Sam Wood", role="the victim", aliases=("Woody",))
CHESTERTON = Party(name="Amy Chesterton", role="the informant")
PATEL = Party(name="Dr Priyanka Patel", role="the GP", address="7 Acacia Avenue, Histon, Cambridge CB24 9ZZ")


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    parties: tuple[Party, ...]
    markers: tuple[str, ...]
    survivors: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    absent: tuple[str, ...] = field(default=())  # strings that must not survive (not parties' details)


CASES = [
    Case("full name", "Mrs Jane O'Neill-Smith reported a noise.", (CALLER,), ("[the caller]",), ("reported a noise",)),
    Case("possessive", "Went to O'Neill-Smith's house.", (CALLER,), ("[the caller]'s",), ("Went to", "house")),
    Case("all caps", "CALLER: JANE O'NEILL-SMITH, SMITH STATED", (CALLER,), ("[the caller]",), ("CALLER:", "STATED")),
    Case("hyphen part", "Neill-Smith then left the scene.", (CALLER,), ("[the caller]",), ("then left the scene",)),
    Case("apostrophe dropped", "ONeill was upset about the bins.", (CALLER,), ("[the caller]",), ("was upset",)),
    Case("apostrophe spaced", "O Neill was upset.", (CALLER,), ("[the caller]",), ("was upset",)),
    Case("curly apostrophe", "O\u2019Neill rang again.", (CALLER,), ("[the caller]",), ("rang again",)),
    Case("first name alone", "Jane said the youths had gone.", (CALLER,), ("[the caller]",), ("said the youths",)),
    Case("lower case", "spoke with jane o'neill-smith at the door", (CALLER,), ("[the caller]",), ("at the door",)),
    Case("punctuation", "(Smith), 'Jane'; Smith!", (CALLER,), ("[the caller]",), ("(",)),
    Case("line break", "Reported by Jane\nO'Neill-\nSmith on foot.", (CALLER,), ("[the caller]",), ("on foot",)),
    Case("alias", "Janey came out shouting.", (CALLER,), ("[the caller]",), ("came out shouting",)),
    Case("initials", "J. O'Neill-Smith and J O'Neill-Smith signed.", (CALLER,), ("[the caller]",), ("signed",)),
    Case("common surname", "Brown was seen by the shop. BROWN denied it.", (BROWN,), ("[the suspect]",), ("seen by",)),
    Case(
        "common word stays lower case",
        "Will Brown wore a brown jacket and said he will attend.",
        (BROWN,),
        ("[the suspect]",),
        ("a brown jacket", "he will attend"),
    ),
    Case("common first name", "Will admitted it. Mark saw him.", (BROWN, ROSE), ("[the suspect]", "[the witness]")),
    Case("title with common surname", "Mr rose and mr. wood spoke.", (ROSE, WOOD), ("[the witness]", "[the victim]")),
    Case("surname Wood", "Wood was pushed; the wood fence broke.", (WOOD,), ("[the victim]",), ("the wood fence",)),
    Case("nickname common word", "Woody ran away.", (WOOD,), ("[the victim]",), ("ran away",)),
    Case(
        "overlapping parties",
        "Jane Smith and John Smith argued; Smith left.",
        (Party("Jane Smith", "the caller"), JOHN),
        ("[the caller]", "[person 2]", "[the caller or person 2]"),
        ("argued", "left"),
    ),
    Case(
        "keep word is a name",
        "Amy Chesterton lives in Chesterton; Chesterton said so.",
        (CHESTERTON,),
        ("[the informant]",),
        ("lives in",),
        keep=("Chesterton",),
    ),
    Case("dob slashes", "DOB 07/03/1990, aged 36.", (CALLER,), ("[date of birth]",), ("aged 36",)),
    Case("dob short", "born 7/3/90 in Leeds", (CALLER,), ("[date of birth]",), ("in Leeds",)),
    Case("dob words", "She was born on the 7th March 1990.", (CALLER,), ("[date of birth]",), ("She was",)),
    Case("dob iso", "dob: 1990-03-07; date 2026-12-01 kept", (CALLER,), ("[date of birth]",), ("2026-12-01",)),
    Case("dob american", "Date of birth March 7, 1990 noted", (CALLER,), ("[date of birth]",), ("noted",)),
    Case("dob unlabelled", "Mark gave 23 November 2001 as his birthday", (ROSE,), ("[date of birth]",), ("birthday",)),
    Case(
        "dob of unknown person",
        "Male, D.O.B 12/12/1985, left.",
        (),
        ("[date of birth]",),
        ("left",),
        absent=("12/12/1985",),
    ),
    Case("address full", "Attended 14 Mill Road, Cambridge CB1 2AB.", (CALLER,), ("[address]",), ("Attended",)),
    Case("address abbreviated", "Youths gathered on Mill Rd again.", (CALLER,), ("[address]",), ("gathered on",)),
    Case("address caps", "14 MILL ROAD was quiet.", (CALLER,), ("[address]",), ("was quiet",)),
    Case(
        "flat and letter",
        "Search at Flat 3, 22a Regent Street found nothing.",
        (BROWN,),
        ("[address]",),
        ("found nothing",),
    ),
    Case("postcode lower no space", "postcode cb21ab given", (BROWN,), ("[address]",), ("given",)),
    Case("locality", "From 7 Acacia Avenue, Histon.", (PATEL,), ("[address]",), ("From",)),
    Case(
        "unknown postcode",
        "Car left towards cb4 1xy and CB41XY.",
        (),
        ("[postcode]",),
        ("Car left",),
        absent=("cb4 1xy", "CB41XY"),
    ),
    Case(
        "unknown address",
        "Seen at 12 Acacia Avenue and Flat 2, 9b High Street.",
        (),
        ("[address]",),
        ("Seen at",),
        absent=("Acacia", "9b High"),
    ),
    Case(
        "phones",
        "Call 07700 900123, 07700-900-123, +44 7700 900123, (01223) 123456 or 020 7946 0018.",
        (),
        ("[phone]",),
        ("Call",),
        absent=("900123", "123456", "7946"),
    ),
    Case(
        "name in email",
        "Emailed jane.oneill-smith@example.com and JSMITH99@mail.co.uk",
        (CALLER, JOHN),
        ("[email]",),
        ("Emailed",),
        absent=("example.com",),
    ),
    Case(
        "vehicle",
        "Vehicle AB12 CDE and ab12cde stopped.",
        (),
        ("[vehicle]",),
        ("stopped",),
        absent=("AB12", "ab12cde"),
    ),
    Case(
        "titles of unknown people",
        "Mr Patel, Mrs. Jones, Dr Anna Lee and Ms O'Brien attended.",
        (),
        ("[person]",),
        ("attended",),
        absent=("Jones", "Anna", "Lee", "O'Brien"),
    ),
    Case(
        "cues",
        "A male called Dave; known as Kez; suspect Daniel Green; IP Kerry; informant: Boz.",
        (),
        ("[person]",),
        ("A male called",),
        absent=("Dave", "Kez", "Daniel", "Green", "Kerry", "Boz"),
    ),
    Case(
        "sentence start kept",
        "Patrol started at 10:00. Youths dispersed. Advice given.",
        (),
        (),
        ("Patrol started", "Youths dispersed", "Advice given"),
    ),
    Case(
        "keep words",
        "Cambridgeshire Constabulary patrol in Chesterton, called Cambridge.",
        (),
        (),
        ("Cambridgeshire Constabulary", "Chesterton", "Cambridge"),
        keep=("Chesterton", "Cambridge"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus(case: Case) -> None:
    parties = list(case.parties)
    assert not parties or leaks(case.text, parties=parties), "the case must leak before redaction"
    result = redact_text(case.text, parties=parties, keep=case.keep)
    assert leaks(result.text, parties=parties) == [], result.text
    for marker in case.markers:
        assert marker in result.text, result.text
    for word in case.survivors:
        assert word in result.text, result.text
    for gone in case.absent:
        assert gone.lower() not in result.text.lower(), result.text
    for party in parties:
        for piece in party.name.replace("-", " ").split():
            if len(piece) > 3 and piece.lower() not in {"mrs", "will", "mark", "rose", "wood", "brown"}:
                assert piece.lower() not in result.text.lower(), result.text


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30


def test_unredacted_text_leaks() -> None:
    text = "Mrs Jane O'Neill-Smith, 14 Mill Road, CB1 2AB, DOB 7 March 1990, and Will Brown of Regent St."
    found = leaks(text, parties=[CALLER, BROWN])
    for expected in ("Jane", "O'Neill", "14 Mill Road", "CB1 2AB", "7 March 1990", "Brown", "Will", "Regent St"):
        assert expected in found, found


def test_leaks_ignores_ordinary_words_and_other_words() -> None:
    assert leaks("a brown jacket; he will attend; Smithson and Janet", parties=[BROWN, CALLER]) == []
    assert "O'Neill" in leaks("O\u2019NEILL", parties=[CALLER])
    assert leaks("Mr brown", parties=[BROWN]) == ["Brown"]


def test_counts() -> None:
    result = redact_text(
        "Jane (DOB 07/03/1990) of 14 Mill Road rang 07700 900123 about AB12 CDE, jo@example.com, a man called Tom.",
        parties=[CALLER],
    )
    assert isinstance(result, Redacted)
    assert result.removed == {
        "name": 1,
        "date_of_birth": 1,
        "address": 1,
        "phone": 1,
        "vehicle": 1,
        "email": 1,
        "unnamed_person": 1,
    }
    assert "aged" not in result.removed


def test_age_stays() -> None:
    assert redact_text("Male aged 34, about 6ft.").text == "Male aged 34, about 6ft."


def test_redact_fields_sums_counts() -> None:
    fields, counts = redact_fields(
        {"summary": "Jane rang.", "detail": "Smith at 14 Mill Road; Janey again.", "empty": ""},
        parties=[CALLER],
    )
    assert fields == {
        "summary": "[the caller] rang.",
        "detail": "[the caller] at [address]; [the caller] again.",
        "empty": "",
    }
    assert counts == {"name": 3, "address": 1}


def test_party_with_no_role_gets_person() -> None:
    assert redact_text("Zoltan left.", parties=[Party("Zoltan Kovacs", "")]).text == "[person] left."


NAMES = [
    "Siobhan McAllister",
    "Kwame Mensah-Boateng",
    "Zofia Wiśniewska",
    "D'Arcy Fitzgerald",
    "Mohammed Al-Rashid",
    "Chloë Van der Berg",
    "Rhys ap Gruffydd",
    "Grace Hope",
]
TEMPLATES = [
    "{name} was seen.",
    "{upper} SHOUTED AT STAFF.",
    "Spoke to {first}; {last} then left.",
    "{last}'s car was parked outside.",
    "Reported by {initial}. {last} ({lower}).",
    "{first}\n{last} signed the notice.",
    "{first}-{last}",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_generated_names_never_leak(name: str, template: str) -> None:
    first, last = name.split(" ", 1)
    text = template.format(name=name, upper=name.upper(), first=first, last=last, lower=name.lower(), initial=first[0])
    party = Party(name, "person 1", date_of_birth=dt.date(1985, 1, 2))
    assert leaks(text, parties=[party]) != []
    result = redact_text(text + " DOB 02/01/1985.", parties=[party])
    assert leaks(result.text, parties=[party]) == [], result.text
    assert "[person 1]" in result.text
