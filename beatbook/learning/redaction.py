"""Redacted copies of operational records for a student PCSO's portfolio.

A student turns an incident log, a patrol log, an engagement event or a penalty notice into portfolio
evidence. The copy must never carry a name, an address or a date of birth from the original, so this
module replaces them, favouring over-redaction over a leak:

* the people named in the record's structured fields (``Party``) are replaced by their role, e.g.
  ``"[the caller]"``, in every spelling we can think of (parts, case, possessives, apostrophes, hyphens,
  initials, aliases, line breaks);
* their addresses and dates of birth are replaced by ``"[address]"`` and ``"[date of birth]"``;
* patterns are removed whoever they belong to: postcodes, house-number-and-street addresses, phone
  numbers, email addresses, vehicle registrations, dates labelled as a date of birth, and names that
  follow a title ("Mr Patel"), a cue ("a male called Dave", "suspect Daniel Green") or a common first
  name ("spoke to Tom Baker").

``leaks`` is a separate check, used by the tests and by the service as a final safety check. The module is
pure Python and uses only the standard library.

Known limits (free text about people who are not parties): a name that is neither after a title or a cue
nor a common first name ("Baker was seen") survives; so do descriptions ("the tall man from the chip
shop"), relationships ("her ex-partner's brother"), unlabelled dates of birth of unknown people, spelled
out or obfuscated phone numbers and emails ("jane at example dot com"), addresses without a house number
("the flats behind the Co-op") and older vehicle registration formats other than the prefix style.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Party", "Redacted", "leaks", "redact_fields", "redact_text"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class Party:
    """A person named in the record's structured fields."""

    name: str  # e.g. "Mrs Jane O'Neill-Smith"
    role: str  # the replacement text, e.g. "the caller", "person 2", "the student PCSO"
    address: str = ""  # e.g. "14 Mill Road, Cambridge CB1 2AB"
    date_of_birth: datetime.date | None = None
    aliases: tuple[str, ...] = ()  # other spellings/nicknames


@dataclass(frozen=True)
class Redacted:
    text: str
    # category -> count, only for categories with at least one removal: "name", "address", "postcode",
    # "date_of_birth", "phone", "email", "vehicle", "unnamed_person".
    removed: dict[str, int]


# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------

TITLES = _words(
    "mr mrs ms miss mx dr prof professor rev revd reverend sir dame lady lord master madam mister "
    "pc pcso sgt insp dc ds cllr councillor fr"
)

# Name parts that are also ordinary English words. Alone they are replaced only when capitalised
# ("Brown said", "BROWN"), so "a brown jacket" and "he will attend" stay readable. Inside a fuller form
# ("Will Brown", "J. Brown", "Mr Brown") they are replaced in any case.
COMMON_WORDS = _words(
    """
    a an the and or of in on at to by for with is it as be he she we me my no so do go up us am
    de da di du del della van von der den la le el al bin ibn ap st
    will mark bill rose wood brown green white black grey gray young long little hill hall king may june
    april august hope grace joy faith amber ruby pearl dawn summer robin jay drew chase hunter cook baker
    mason park lane field fields ford bush rich hunt page price bell bird fox lamb moss reed rush stone wall
    west north south east small sharp love dean frank pat ray rob art guy jack penny sandy cliff dale glen
    nick don sue carol holly ivy lily daisy poppy iris heather violet hazel fern willow sky rain storm river
    brook banks marsh gold silver read hay day knight bishop miller butcher porter walker weaver shepherd
    fisher turner archer barber carpenter farmer gardener best cross case law rule pope post sands sweet
    swift wise sparks chance strong power powers hardy rice bacon cash temple church grant major noble rock
    hart heart house brand child darling early fair free gentle good hood keen march merry more new orange
    pink plant pond pound pride proud quick rider root salt savage short snow spring steel tall tanner tower
    tree vine wade waters well wells wild winter wolf woods wren booth bond gay moon star sun
    """
)

# Common first names that are not ordinary words: a capitalised one, with any capitalised words after
# it, is taken to be an unnamed person even without a title or a cue.
FIRST_NAMES = _words(
    """
    james john david michael paul andrew peter richard daniel thomas christopher matthew stephen steven
    anthony jonathan robert william george oliver harry charlie jacob alfie noah oscar leo archie joshua
    ethan samuel joseph benjamin liam connor callum kieran ryan jamie lewis adam luke nathan kyle gary kevin
    darren wayne craig simon graham ian neil martin keith trevor dave steve mike tony andy jim jimmy tom
    tommy danny sam ben joe josh mohammed muhammad mohammad ahmed ali hassan omar imran raj sanjay arjun
    tariq bilal kai tyler reece declan patrick sean shaun aaron jordan brandon mary sarah emma emily olivia
    amelia isla ava jessica sophie sophia chloe charlotte lucy hannah laura rebecca rachel katie kate lauren
    megan elizabeth helen susan karen julie claire nicola lisa michelle kelly donna tracey tracy sharon jane
    anne ann margaret patricia linda fatima aisha ayesha priya zara leah ellie ella mia freya evie jasmine
    chantelle stacey gemma natalie samantha victoria jennifer jenny debbie deborah angela julia anna maria
    """
)

# Words that end a cue or first-name match: after "called" these are rarely a person.
NOT_PERSON = _words(
    """
    police constabulary ambulance fire council control station nhs crimestoppers security staff
    monday tuesday wednesday thursday friday saturday sunday january february september october november
    december i
    """
)

# Street types: (full word, abbreviations). Types that are ordinary words in police narrative ("a 10
# minute drive", "5 minutes walk") match only when capitalised.
STREET_TYPES_ANY_CASE: dict[str, tuple[str, ...]] = {
    "road": ("rd",),
    "street": ("str",),
    "avenue": ("ave", "av"),
    "lane": ("ln",),
    "crescent": ("cres",),
    "terrace": ("terr", "tce"),
    "gardens": ("gdns",),
    "mews": (),
    "boulevard": ("blvd",),
}
STREET_TYPES_CAPITALISED: dict[str, tuple[str, ...]] = {
    "street": ("st",),
    "drive": ("dr",),
    "close": ("cl",),
    "court": ("ct",),
    "place": ("pl",),
    "square": ("sq",),
    "grove": ("gr",),
    "way": (),
    "walk": (),
    "parade": ("pde",),
    "park": ("pk",),
    "hill": (),
    "rise": (),
    "row": (),
    "view": (),
    "vale": (),
    "green": ("grn",),
    "wharf": (),
    "yard": (),
    "gate": (),
    "end": (),
    "chase": (),
    "meadows": (),
    "meadow": (),
    "croft": (),
    "heights": ("hts",),
    "approach": (),
    "mount": ("mt",),
    "crossing": (),
    "circus": (),
    "embankment": (),
    "passage": (),
    "path": (),
    "broadway": (),
}
ALL_STREET_TYPES: dict[str, tuple[str, ...]] = {}
for _table in (STREET_TYPES_ANY_CASE, STREET_TYPES_CAPITALISED):
    for _word, _abbrs in _table.items():
        ALL_STREET_TYPES[_word] = ALL_STREET_TYPES.get(_word, ()) + _abbrs

MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

# --------------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------------

_LETTER = r"[^\W\d_]"
_LB = rf"(?<!{_LETTER})"  # not preceded by a letter ("jane_smith" and "smith99" still split)
_RB = rf"(?!{_LETTER})"
_APOS = "'\u2019\u2018`\u00b4"  # the apostrophes people type
_APOS_CLASS = f"[{_APOS}]"
_HYPHEN_CLASS = "[-\u2010\u2011\u2012\u2013\u2014]"  # the hyphens and dashes people type
_TITLE_RE = r"(?:" + "|".join(sorted(TITLES, key=len, reverse=True)) + r")\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_MONTH_RE = "(?:" + "|".join(f"{m[:3]}(?:{m[3:]})?" if len(m) > 3 else m for m in MONTHS) + r")\.?"
_SEP = r"[/.\-]"
_GENERIC_DATE = (
    rf"(?:\d{{1,2}}{_SEP}\d{{1,2}}{_SEP}\d{{2,4}}"
    rf"|\d{{4}}{_SEP}\d{{1,2}}{_SEP}\d{{1,2}}"
    rf"|\d{{1,2}}{_ORDINAL}\s+(?:of\s+)?{_MONTH_RE},?\s+\d{{2,4}}"
    rf"|{_MONTH_RE}\s+\d{{1,2}}{_ORDINAL},?\s+\d{{2,4}})"
)

# Placeholders: one private-use character per replacement, so that later passes never match inside
# (or across) an earlier replacement. They are swapped for the marker text at the very end.
_PLACEHOLDER_BASE = 0xF0000
_PLACEHOLDER_RANGE = re.compile("[\U000f0000-\U000ffffd]")


class _Work:
    """Text being redacted, with its replacements held as placeholders."""

    def __init__(self, text: str) -> None:
        self.text = _PLACEHOLDER_RANGE.sub("", text)
        self.markers: list[str] = []
        self.counts: Counter[str] = Counter()

    def placeholder(self, marker: str, category: str) -> str:
        self.markers.append(marker)
        self.counts[category] += 1
        return chr(_PLACEHOLDER_BASE + len(self.markers) - 1)

    def sub(self, pattern: re.Pattern[str], marker: str, category: str, group: int = 0) -> None:
        def replace(match: re.Match[str]) -> str:
            if group == 0:
                return self.placeholder(marker, category)
            whole = match.group(0)
            start, end = match.start(group) - match.start(0), match.end(group) - match.start(0)
            return whole[:start] + self.placeholder(marker, category) + whole[end:]

        self.text = pattern.sub(replace, self.text)

    def result(self) -> Redacted:
        def restore(match: re.Match[str]) -> str:
            return self.markers[ord(match.group(0)) - _PLACEHOLDER_BASE]

        text = _PLACEHOLDER_RANGE.sub(restore, self.text)
        return Redacted(text=text, removed={k: v for k, v in sorted(self.counts.items()) if v})


def _letters(word: str) -> str:
    return "".join(ch for ch in word if ch.isalpha())


def _flex_word(word: str) -> str:
    """A regex for a name word: any apostrophe or none (O'Neill with a curly quote, ONeill, O Neill), any hyphen,
    a space or a line break in place of a hyphen."""
    out: list[str] = []
    for ch in word:
        if ch in _APOS:
            out.append(rf"(?:{_APOS_CLASS}\s?|\s)?")
        elif re.fullmatch(_HYPHEN_CLASS, ch):
            out.append(rf"(?:\s*{_HYPHEN_CLASS}\s*|\s+)")
        elif ch == ".":
            out.append(r"\.?")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _capitalised_forms(word: str) -> str:
    """A case-sensitive regex for "Brown" and "BROWN" (not "brown")."""
    title = word[:1].upper() + word[1:].lower()
    return "(?:" + "|".join(sorted({_flex_word(title), _flex_word(word.upper()), _flex_word(word)})) + ")"


def _name_tokens(name: str) -> list[str]:
    tokens = [t.strip(',;:()"') for t in name.split()]
    return [t for t in tokens if t and t.lower().rstrip(".") not in TITLES]


def _is_common(word: str) -> bool:
    return _letters(word).lower() in COMMON_WORDS


def _pieces(token: str) -> list[str]:
    """The separately usable pieces of one name token: "O'Neill-Smith" -> O'Neill-Smith, O'Neill, Smith,
    Neill."""
    pieces = [token]
    hyphen_parts = [p for p in re.split(_HYPHEN_CLASS, token) if p]
    if len(hyphen_parts) > 1:
        pieces.extend(hyphen_parts)
    for part in list(pieces):
        after = re.split(_APOS_CLASS, part)
        if len(after) > 1:
            pieces.extend(p for p in after if p)
    seen: list[str] = []
    for piece in pieces:
        if len(_letters(piece)) >= 2 and piece not in seen:
            seen.append(piece)
    return seen


# --------------------------------------------------------------------------------------------------
# Party names
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Variant:
    pattern: str  # regex source, without boundaries
    case_sensitive: bool
    tier: int  # lower first: full forms before parts
    length: int  # of the literal form, for longest-first ordering
    literal: str  # human-readable form, reported by leaks


def _name_variants(name: str) -> list[_Variant]:
    tokens = _name_tokens(name)
    if not tokens:
        return []
    variants: list[_Variant] = []
    joiner = r"(?:\s*,\s*|\s+)"

    def add(words: Sequence[str], tier: int, case_sensitive: bool = False) -> None:
        if not words:
            return
        pattern = joiner.join(_flex_word(w) for w in words)
        variants.append(_Variant(pattern, case_sensitive, tier, len(" ".join(words)), " ".join(words)))

    # The whole name, its contiguous runs of two or more words, first + last, last + first, run together.
    add(tokens, 0)
    if len(tokens) > 1:
        for size in range(len(tokens) - 1, 1, -1):
            for start in range(len(tokens) - size + 1):
                add(tokens[start : start + size], 1)
        add([tokens[0], tokens[-1]], 1)
        add([tokens[-1], tokens[0]], 1)
        joined = "".join(_letters(t) for t in tokens)
        variants.append(_Variant(re.escape(joined), False, 1, len(joined), joined))
        # Initials with the surname: "J. Smith", "J Smith", "J.E. Smith", "JE Smith".
        initials = [t[0] for t in tokens[:-1] if t[:1].isalpha()]
        if initials:
            surname = _flex_word(tokens[-1])
            first = re.escape(initials[0])
            rest = "".join(rf"(?:{re.escape(i)}\.?\s*)?" for i in initials[1:])
            pattern = rf"{first}\.?\s*{rest}{surname}"
            literal = f"{initials[0]}. {tokens[-1]}"
            variants.append(_Variant(pattern, False, 2, len(literal), literal))
    # Each piece of each token.
    for token in tokens:
        for piece in _pieces(token):
            common = _is_common(piece)
            if common:
                # "Mr Brown", "Mrs. Wood": a title makes a common word a name, in any case.
                pattern = rf"{_TITLE_RE}\s+{_flex_word(piece)}"
                variants.append(_Variant(pattern, False, 2, len(piece) + 4, f"Mr {piece}"))
                variants.append(_Variant(_capitalised_forms(piece), True, 3, len(piece), piece))
            else:
                variants.append(_Variant(_flex_word(piece), False, 3, len(piece), piece))
    return variants


def _party_variants(party: Party) -> list[_Variant]:
    variants = _name_variants(party.name)
    for alias in party.aliases:
        variants.extend(_name_variants(alias))
    return variants


def _role_marker(roles: Iterable[str]) -> str:
    unique = list(dict.fromkeys(r.strip() for r in roles if r.strip()))
    return "[" + (" or ".join(unique) if unique else "person") + "]"


def _redact_party_names(work: _Work, parties: Sequence[Party]) -> None:
    roles_by_variant: dict[tuple[str, bool], list[str]] = {}
    order: dict[tuple[str, bool], tuple[int, int]] = {}
    for party in parties:
        for variant in _party_variants(party):
            key = (variant.pattern, variant.case_sensitive)
            roles_by_variant.setdefault(key, []).append(party.role)
            tier, length = order.get(key, (variant.tier, variant.length))
            order[key] = (min(tier, variant.tier), max(length, variant.length))
    for key in sorted(roles_by_variant, key=lambda k: (order[k][0], -order[k][1])):
        pattern_source, case_sensitive = key
        flags = 0 if case_sensitive else re.IGNORECASE
        # A title in front of a name goes with it: "Mrs Smith" -> "[the caller]", not "Mrs [the caller]".
        title = rf"(?:(?i:{_TITLE_RE})\s+)?"
        pattern = re.compile(rf"{_LB}{title}{pattern_source}{_RB}", flags)
        work.sub(pattern, _role_marker(roles_by_variant[key]), "name")


# --------------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------------

_POSTCODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}(?![A-Za-z0-9])")
_HOUSE_NUMBER = r"\d{1,4}\s?[A-Za-z]?(?:\s*[-/]\s*\d{1,4}[A-Za-z]?)?"
_STOP = (
    "the a an on in at of to and or for with from by near outside into onto along down up was were is are "
    "had has have he she they it his her their then when who which that this past towards toward around "
    "off over under behind opposite"
)
_STREET_WORD = rf"(?:[A-Z][A-Za-z{_APOS}\-]*|(?!(?:{'|'.join(_STOP.split())})\b)[a-z][a-z{_APOS}\-]*)"


def _street_type_regex() -> str:
    any_case: list[str] = []
    for word, abbrs in STREET_TYPES_ANY_CASE.items():
        any_case.extend([word, *abbrs])
    capitalised: list[str] = []
    for word, abbrs in STREET_TYPES_CAPITALISED.items():
        for form in (word, *abbrs):
            capitalised.extend([form.capitalize(), form.upper()])
    any_part = "|".join(sorted(any_case, key=len, reverse=True))
    cap_part = "|".join(sorted(capitalised, key=len, reverse=True))
    return rf"(?:(?i:{any_part})|{cap_part})\b"


_STREET_TYPE = _street_type_regex()
_FLAT = r"(?:(?i:flat|apartment|apt|unit|room|maisonette)\.?\s*\d{1,4}[A-Za-z]?\s*,?\s*)"
_GENERIC_ADDRESS = re.compile(
    rf"{_FLAT}?(?<![\w/.:])\b{_HOUSE_NUMBER},?\s+(?:{_STREET_WORD}\s+){{0,3}}{_STREET_TYPE}"
    rf"|{_FLAT}(?=\S)"
)


def _street_name_forms(street: str) -> list[str]:
    """ "Mill Road" -> ["Mill Road", "Mill Rd"]; the street name without its number."""
    words = street.split()
    forms = [street]
    if len(words) >= 2:
        last = words[-1].lower().rstrip(".")
        for full, abbrs in ALL_STREET_TYPES.items():
            if last == full or last in abbrs:
                stem = " ".join(words[:-1])
                forms.extend(f"{stem} {form.capitalize()}" for form in (full, *abbrs))
                break
    return list(dict.fromkeys(forms))


@dataclass(frozen=True)
class _AddressParts:
    full: list[str]  # the whole address, with and without its postcode
    distinctive: list[str]  # number + street, street name forms, named buildings, localities
    postcodes: list[str]


def _address_parts(address: str, keep: Sequence[str] = ()) -> _AddressParts:
    address = " ".join(address.split())
    if not address:
        return _AddressParts([], [], [])
    postcodes = [m.group(0) for m in _POSTCODE.finditer(address)]
    without_postcode = " ".join(_POSTCODE.sub(" ", address).split()).strip(" ,")
    full = list(dict.fromkeys(x for x in (address, without_postcode) if x))
    segments = [s.strip() for s in re.split(r"[,\n;]", without_postcode) if s.strip()]
    keep_lower = {k.lower() for k in keep}
    distinctive: list[str] = []
    if len(segments) == 1:
        # No commas: "14 Mill Road Cambridge" -> "14 Mill Road" and the town.
        match = re.match(rf"(.*?{_STREET_TYPE})(?:\s+(.*))?$", segments[0])
        if match:
            segments = [match.group(1)] + ([match.group(2)] if match.group(2) else [])
    for index, segment in enumerate(segments):
        is_last = index == len(segments) - 1 and len(segments) > 1
        flat = re.fullmatch(rf"{_FLAT}", segment + " ")
        if flat:
            continue  # "Flat 3" alone is not distinctive; the whole address and the number + street are.
        numbered = re.match(rf"^({_HOUSE_NUMBER}),?\s+(.+)$", segment)
        if numbered:
            distinctive.append(segment)
            distinctive.extend(_street_name_forms(numbered.group(2)))
            continue
        has_type = re.search(rf"\s{_STREET_TYPE}$", segment) is not None
        if has_type:
            distinctive.extend(_street_name_forms(segment))
        elif not is_last and segment.lower() not in keep_lower:
            distinctive.append(segment)  # a named building or a locality: over-redact
    return _AddressParts(full, list(dict.fromkeys(distinctive)), postcodes)


def _address_regex(literal: str) -> str:
    parts = re.split(r"[\s,]+", literal.strip(" ,"))
    out: list[str] = []
    for part in parts:
        match = re.fullmatch(r"(\d+)([A-Za-z])", part)
        if match:
            out.append(rf"{match.group(1)}\s?{re.escape(match.group(2))}")
        else:
            out.append(_flex_word(part))
    return r"[\s,]+".join(out)


def _postcode_regex(postcode: str) -> str:
    compact = re.sub(r"\s+", "", postcode)
    return re.escape(compact[:-3]) + r"\s*" + re.escape(compact[-3:])


def _redact_party_addresses(work: _Work, parties: Sequence[Party], keep: Sequence[str]) -> None:
    full: list[str] = []
    distinctive: list[str] = []
    postcodes: list[str] = []
    for party in parties:
        parts = _address_parts(party.address, keep)
        full.extend(_address_regex(x) for x in parts.full)
        distinctive.extend(_address_regex(x) for x in parts.distinctive)
        postcodes.extend(_postcode_regex(x) for x in parts.postcodes)
    boundary_l, boundary_r = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
    for group in (full, distinctive, postcodes):
        for source in sorted(set(group), key=len, reverse=True):
            pattern = re.compile(rf"{boundary_l}{_FLAT}?{source}{boundary_r}", re.IGNORECASE)
            work.sub(pattern, "[address]", "address")


# --------------------------------------------------------------------------------------------------
# Dates of birth
# --------------------------------------------------------------------------------------------------


def _dob_strings(dob: datetime.date) -> list[str]:
    d, m, y = dob.day, dob.month, dob.year
    yy = f"{y % 100:02d}"
    month = MONTHS[m - 1].capitalize()
    short = month[:3]
    suffix = "th" if 11 <= d <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    out: list[str] = []
    for sep in ("/", "-", ".", " "):
        for day in {f"{d}", f"{d:02d}"}:
            for mon in {f"{m}", f"{m:02d}"}:
                for year in (f"{y}", yy):
                    out.append(f"{day}{sep}{mon}{sep}{year}")
                    out.append(f"{mon}{sep}{day}{sep}{year}")  # month first, as some forms print it
        out.append(f"{y}{sep}{m:02d}{sep}{d:02d}")
        out.append(f"{y}{sep}{m}{sep}{d}")
    out.append(f"{d:02d}{m:02d}{y}")
    for day in {f"{d}", f"{d:02d}", f"{d}{suffix}"}:
        for mon in (month, short):
            for year in (f"{y}", yy):
                out.extend([f"{day} {mon} {year}", f"{day} of {mon} {year}", f"{mon} {day}, {year}"])
                out.append(f"{mon} {day} {year}")
    return list(dict.fromkeys(out))


def _dob_regex(literal: str) -> str:
    out: list[str] = []
    for piece in re.split(r"(\s+|,)", literal):
        if not piece:
            continue
        if piece.isspace():
            out.append(r"\s+")
        elif piece == ",":
            out.append(r",?")
        else:
            out.append(re.escape(piece))
    return "".join(out).replace(r"\s+,?", r",?\s*")


def _dob_pattern(literal: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w/.\-]){_dob_regex(literal)}(?![\w]|[/.\-]\d)", re.IGNORECASE)


_DOB_CUE = re.compile(
    rf"\b(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s*date|born(?:\s+on)?)\s*[:\-\u2013]?\s*(?:is\s+|was\s+|of\s+)?"
    rf"\(?({_GENERIC_DATE})",
    re.IGNORECASE,
)
_DOB_CUE_AFTER = re.compile(rf"({_GENERIC_DATE})\s*\(?\s*(?:d\.?\s?o\.?\s?b\b|date\s+of\s+birth)", re.IGNORECASE)
_BORN_YEAR = re.compile(r"\bborn\s+(?:in\s+)?((?:19|20)\d\d)\b", re.IGNORECASE)


def _redact_dates_of_birth(work: _Work, parties: Sequence[Party]) -> None:
    literals: list[str] = []
    for party in parties:
        if party.date_of_birth is not None:
            literals.extend(_dob_strings(party.date_of_birth))
    for literal in sorted(set(literals), key=len, reverse=True):
        work.sub(_dob_pattern(literal), "[date of birth]", "date_of_birth")
    work.sub(_DOB_CUE, "[date of birth]", "date_of_birth", group=1)
    work.sub(_DOB_CUE_AFTER, "[date of birth]", "date_of_birth", group=1)
    work.sub(_BORN_YEAR, "[date of birth]", "date_of_birth", group=1)


# --------------------------------------------------------------------------------------------------
# Patterns regardless of parties
# --------------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+'\-]+\s?@\s?[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w+])(?:\+\s?44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s.\-)]{0,2}\d){8,9}(?!\d)")
_VEHICLE = re.compile(
    r"(?<![A-Za-z0-9])(?:(?i:[A-Z]{2}\d{2}\s?[A-Z]{3})|[A-Z]\d{1,3}\s?[A-Z]{3})(?![A-Za-z0-9])",
)
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_]{2,30}\b")

_NAME_WORD = (
    rf"(?:[A-Z](?:[a-z]+(?:{_APOS_CLASS}[A-Z]?[a-z]+)?(?:-[A-Z][a-z]+)?|{_APOS_CLASS}[A-Z][a-z]+|[A-Z]+)\b|[A-Z]\.)"
)
_NAME_RUN = rf"{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,2}}"
_GENERIC_TITLE = re.compile(
    rf"(?<![\w])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Rev|Sir|Dame|Lady|Lord|MR|MRS|MS|MISS|DR)\.?\s+({_NAME_RUN})"
)
_CUES = (
    r"named|called|known\s+as|nicknamed|aka|a\.k\.a\.?|goes\s+by|name\s+(?:is|was|of)|surname|forename|"
    r"first\s+name|(?-i:IP)|informant|suspect|witness|victim|complainant|offender|"
    r"spoke\s+(?:to|with)|(?:reported|seen|accompanied|approached)\s+by|arrested|stopped|searched|"
    r"issued\s+to|(?:her|his|their)\s+(?:son|daughter|partner|boyfriend|girlfriend|husband|wife|brother|sister|"
    r"mother|father|mum|dad|friend|neighbour|carer)"
)
_GENERIC_CUE = re.compile(rf"(?i:\b(?:{_CUES}))[ \t]*[,:\-]?[ \t]*(?:\"|')?({_NAME_RUN})")
_GENERIC_FIRST_NAME = re.compile(rf"(?<![\w])({_NAME_RUN})")


def _person_match_is_kept(words: str, keep_lower: set[str]) -> bool:
    tokens = [t.strip(".").lower() for t in words.split()]
    if not tokens:
        return True
    if words.lower() in keep_lower:
        return True
    return tokens[0] in NOT_PERSON or all(t in keep_lower for t in tokens)


def _redact_unnamed_people(work: _Work, keep: Sequence[str]) -> None:
    keep_lower = {k.lower() for k in keep}

    def by_cue(pattern: re.Pattern[str], first_name_only: bool = False) -> None:
        def replace(match: re.Match[str]) -> str:
            words = match.group(1)
            if _person_match_is_kept(words, keep_lower):
                return match.group(0)
            if first_name_only and words.split()[0].lower() not in FIRST_NAMES:
                return match.group(0)
            whole = match.group(0)
            start = match.start(1) - match.start(0)
            return whole[:start] + work.placeholder("[person]", "unnamed_person") + whole[start + len(words) :]

        work.text = pattern.sub(replace, work.text)

    by_cue(_GENERIC_TITLE)
    by_cue(_GENERIC_CUE)
    by_cue(_GENERIC_FIRST_NAME, first_name_only=True)
    work.sub(_HANDLE, "[person]", "unnamed_person")


# --------------------------------------------------------------------------------------------------
# Leak check
# --------------------------------------------------------------------------------------------------


_APOS_TABLE = str.maketrans(dict.fromkeys(_APOS, "'") | dict.fromkeys("\u2010\u2011\u2012\u2013\u2014", "-"))


def _normalise(text: str) -> str:
    """Apostrophes and dashes made plain, one character for one, so positions are unchanged."""
    return text.translate(_APOS_TABLE)


def _spaced(literal: str) -> str:
    """A regex for a literal where any run of spaces may be any whitespace (a line break) or a comma."""
    return r"[\s,]+".join(re.escape(part) for part in re.split(r"[\s,]+", literal.strip(" ,")) if part)


@dataclass(frozen=True)
class _LeakItem:
    literal: str
    pattern: re.Pattern[str]
    category: str  # "name", "address" or "date_of_birth"


def _leak_items(party: Party) -> list[_LeakItem]:
    """Everything of this party that must not appear, each with a regex over ``_normalise``d text."""
    items: list[_LeakItem] = []

    def name(literal: str, source: str, case_sensitive: bool = False) -> None:
        flags = 0 if case_sensitive else re.IGNORECASE
        items.append(_LeakItem(literal, re.compile(rf"{_LB}{source}{_RB}", flags), "name"))

    def other(literal: str, source: str, category: str) -> None:
        items.append(_LeakItem(literal, re.compile(rf"(?<![^\W_]){source}(?![^\W_])", re.IGNORECASE), category))

    for full_name in (party.name, *party.aliases):
        tokens = [_normalise(t) for t in _name_tokens(full_name)]
        if not tokens:
            continue
        name(" ".join(tokens), _spaced(" ".join(tokens)))
        if len(tokens) > 1:
            joined = "".join(_letters(t) for t in tokens)
            name(joined, re.escape(joined))
        for token in tokens:
            for piece in _pieces(token):
                forms = {piece, piece.replace("'", ""), piece.replace("'", " "), piece.replace("-", " ")}
                for form in sorted(forms):
                    if _is_common(piece):
                        title = form[:1].upper() + form[1:].lower()
                        name(piece, f"(?:{_spaced(title)}|{_spaced(form.upper())})", case_sensitive=True)
                        name(piece, rf"(?:{_TITLE_RE})\s+{_spaced(form)}")
                    else:
                        name(piece, _spaced(form))
    parts = _address_parts(party.address)
    for literal in (*parts.full, *parts.distinctive):
        other(literal, _spaced(_normalise(literal)), "address")
    for postcode in parts.postcodes:
        other(postcode, _postcode_regex(postcode), "address")
    if party.date_of_birth is not None:
        items.extend(
            _LeakItem(literal, _dob_pattern(literal), "date_of_birth") for literal in _dob_strings(party.date_of_birth)
        )
    return items


def leaks(text: str, *, parties: Sequence[Party]) -> list[str]:
    """The names, name parts, aliases, address parts and dates of birth of ``parties`` that still appear
    in ``text``: case-insensitive, whole word (a letter next to it makes it another word; digits,
    underscores and punctuation do not). A name part that is an ordinary word ("Brown", "Will") counts
    only when capitalised or after a title, so "a brown jacket" is not a leak. Empty means safe."""
    normalised = _normalise(text)
    found: list[str] = []
    for party in parties:
        for item in _leak_items(party):
            if item.literal not in found and item.pattern.search(normalised):
                found.append(item.literal)
    return found


def _force_remove_leaks(work: _Work, parties: Sequence[Party]) -> None:
    """Belt and braces: anything ``leaks`` would still find is replaced outright."""
    for party in parties:
        items = sorted(_leak_items(party), key=lambda i: -len(i.literal))
        for item in items:
            if not item.pattern.search(_normalise(work.text)):
                continue
            work.text = _normalise(work.text)
            marker = {"name": _role_marker([party.role]), "address": "[address]"}.get(item.category, "[date of birth]")
            work.sub(item.pattern, marker, item.category)


# --------------------------------------------------------------------------------------------------
# Public interface
# --------------------------------------------------------------------------------------------------


def redact_text(text: str, *, parties: Sequence[Party] = (), keep: Sequence[str] = ()) -> Redacted:
    """A redacted copy of ``text``: ``parties`` replaced by ``[role]``, their addresses and dates of
    birth removed, and the patterns in the module docstring removed. ``keep`` lists words that may stay
    (the neighbourhood, the town, the force); it never keeps a party's name, number + street or
    postcode."""
    work = _Work(text)
    work.sub(_EMAIL, "[email]", "email")
    _redact_dates_of_birth(work, parties)
    _redact_party_addresses(work, parties, keep)
    work.sub(_PHONE, "[phone]", "phone")
    work.sub(_POSTCODE, "[postcode]", "postcode")
    work.sub(_VEHICLE, "[vehicle]", "vehicle")
    work.sub(_GENERIC_ADDRESS, "[address]", "address")
    _redact_party_names(work, parties)
    _redact_unnamed_people(work, keep)
    _force_remove_leaks(work, parties)
    return work.result()


def redact_fields(
    fields: Mapping[str, str], *, parties: Sequence[Party] = (), keep: Sequence[str] = ()
) -> tuple[dict[str, str], dict[str, int]]:
    """Each value redacted as by ``redact_text``; the counts summed over the fields."""
    out: dict[str, str] = {}
    totals: Counter[str] = Counter()
    for key, value in fields.items():
        result = redact_text(value, parties=parties, keep=keep)
        out[key] = result.text
        totals.update(result.removed)
    return out, {k: v for k, v in sorted(totals.items()) if v}
