"""Names of people in free text: a common first name, optionally followed by further
capitalised words, or a surname on its own (a Swedish patronymic such as "Andersson", a
South Slavic one such as "Petrović", or a common surname of the list), in both cases
unless a place or organisation word follows.

References
----------
Statistiska centralbyrån (SCB), "Namn och namnsdagar"; Statistisk sentralbyrå (SSB),
"Navn" (the most common first and last names, from which the name lists are compiled).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from samverkan.core.masking.rules import _PRIORITY, NAMN

_NAMES_FILE = Path(__file__).parent.parent / "data" / "first_names.txt"
_SURNAMES_FILE = Path(__file__).parent.parent / "data" / "surnames.txt"
# Endings that make a capitalised word a surname by themselves: Swedish patronymics (no
# ordinary word ends so) and South Slavic ones, with and without the diacritic.
_SURNAME_ENDINGS = ("sson", "ić", "vic")

_UPPER = "A-ZÅÄÖÆØÉÜČĆŠŽĐ"
_LOWER = "a-zåäöæøéèüáßčćšžđ"
# A capitalised word, hyphenated parts capitalised too ("Per-Olof", "Svensson-Berg"); a
# word glued to a hyphen and a lower-case part ("Palme-skolan") is a compound, not a name.
_CAP_WORD = re.compile(
    # The capital comes before the lookbehind (which then includes it) so that the engine
    # skips quickly to capitals instead of testing every position.
    rf"[{_UPPER}](?<![\w-].)[{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)*(?![\w-])(?!\.[{_LOWER}])"
)
_QUICK_WORD = re.compile(rf"[{_UPPER}][{_LOWER}]+")
# A word in capitals ("KALLE SVENSSON", "PER-OLOF"); three letters at least, since shorter
# ones are mostly abbreviations.
_CAPS_WORD = re.compile(rf"(?<![\w-])[{_UPPER}]{{3,}}(?:-[{_UPPER}]{{2,}})*(?![\w-])")
_CAPS_QUICK = re.compile(rf"[{_UPPER}]{{3}}")
_LOWER_QUICK = re.compile(rf"(?<![{_LOWER}])[{_LOWER}]{{4,}}")
# A word in lower case ("kalle svensson", typed in a hurry on a phone), not part of an
# e-mail address, a web address or a compound with a hyphen.
_LOWER_WORD = re.compile(
    rf"(?<![\w.@/-])[{_LOWER}]{{2,}}(?:-[{_LOWER}]{{2,}})*(?![\w@/-])(?!\.[{_LOWER}])"
)
# Between the parts of one name: a single space, or a nobiliary particle.
_NAME_GAP = re.compile(r"[ \u00a0](?:(?:af|av|von|van|der|de|la|di|da|el|al|bin|ibn)[ \u00a0])?")
# Words after a name that make it the name of a place or an organisation. After a genitive
# ("Olof Palmes gata") any of them; after a bare name only those that cannot be a verb or
# an everyday word after a person ("Eva bad om hjälp": bad = asked, not a bath house).
_INSTITUTION_WORDS = frozenset(
    [
        "gata",
        "gatan",
        "gate",
        "gaten",
        "väg",
        "vägen",
        "vei",
        "veien",
        "veg",
        "vegen",
        "torg",
        "torget",
        "plats",
        "platsen",
        "plass",
        "plassen",
        "park",
        "parken",
        "skola",
        "skolan",
        "skole",
        "skolen",
        "förskola",
        "förskolan",
        "barnehage",
        "barnehagen",
        "gymnasium",
        "gymnasiet",
        "allé",
        "allén",
        "kyrka",
        "kyrkan",
        "kirke",
        "kirken",
        "kapell",
        "sjukhus",
        "sjukhuset",
        "sykehus",
        "församling",
        "menighet",
        "stiftelse",
        "stiftelsen",
        "institut",
        "institutet",
        "bibliotek",
        "biblioteket",
        "teater",
        "teatern",
        "museum",
        "museet",
        "centrum",
        "senter",
        "stadion",
        "kvarter",
        "kvarteret",
    ]
)
_PLACE_WORDS = _INSTITUTION_WORDS | frozenset(
    [
        "gt",
        "stig",
        "stigen",
        "gränd",
        "gränden",
        "backe",
        "backen",
        "bakke",
        "bakken",
        "bro",
        "bron",
        "brua",
        "brygga",
        "bryggan",
        "brygge",
        "bryggen",
        "minne",
        "plan",
        "planen",
        "gård",
        "gården",
        "hage",
        "hagen",
        "holme",
        "holmen",
        "udde",
        "udden",
        "hall",
        "hallen",
        "center",
        "bad",
        "badet",
        "kaj",
        "kajen",
        "strand",
        "stranden",
        "höjd",
        "höjden",
        "äng",
        "ängen",
        "lund",
        "lunden",
    ]
)
_ORG_AFTER = re.compile(r"[ \u00a0]+(?:AB|AS|ASA|HB|KB|SA|Aktiebolag|& ?Co)\b")
# A firm named after its owner and its trade ("Lindberg Bygg", "Svenssons Måleri", "Nilsson
# VVS", "Olsen Rør"), often written without AB/AS: the trade word, capitalised, follows the
# name. Short words must match whole; the longer stems also begin a compound ("Lindberg
# Byggservice", "Hansen Eiendomsforvaltning").
_TRADE_WORDS = frozenset(
    ["el", "rör", "rør", "tak", "bil", "lås", "vakt", "larm", "glas", "kyl", "golv", "plåt"]
)
_TRADE_STEMS = (
    "bygg",
    "måleri",
    "maleri",
    "målning",
    "maling",
    "vvs",
    "elservice",
    "elinstallation",
    "elektro",
    "rørlegger",
    "städ",
    "renhold",
    "fastighet",
    "förvaltning",
    "forvaltning",
    "eiendom",
    "transport",
    "åkeri",
    "entreprenad",
    "entreprenør",
    "konsult",
    "bevakning",
    "säkerhet",
    "sikkerhet",
    "snickeri",
    "tømrer",
    "glasmästeri",
    "ventilation",
    "bemanning",
    "trädgård",
    "service",
)
# At a sentence's start every word is capitalised, so the word before a surname there is a
# first name the list does not know ("Tesfaldet Johansson") only if it is not one of the
# everyday words that open such sentences: a role ("Anmälare", "Vaktmester"), a noun in its
# definite form ("Grannen", "Naboen"), a title or a preposition ("Enligt", "Ifølge").
_OPENER_WORDS = """
    anmälare anmäler anmeldt bilist boende beboer besökare besøkende butiksägare chaufför
    doktor dr elev fastighetsvärd forelder fotgjenger fotgängare fru fröken förare förälder
    granne herr hr hyresgäst imam inspektör kollega konstapel kund kunde kurator lärare
    lærer leietaker nabo ordförande ordningsvakt pastor personal polis politi prest präst
    rektor sjåfør student säljare tränare trener vakt vaktmästare vaktmester vekter vitne
    vittne väktare ägare eier
    enligt ifølge hos med till til från fra av vid ved mot efter etter och og men då så
    när når även også också om att at enl bakom framför utanför innanför
    kvinnan flickan jenta dama kona frun vittnet vitnet barnet paret
    igår idag ikväll inatt imorse sedan därefter senare tidigare efteråt samtidigt
    dessutom först sist nu plötsligt i etterpå senere tidligere deretter
"""
_SENTENCE_OPENERS = frozenset(_OPENER_WORDS.split())
# Nouns in the definite form end so ("Grannen", "Väktaren", "Naboen"); few first names do
# that the list does not already know.
_DEFINITE_ENDING = "en"


def _everyday_opener(word: str) -> bool:
    """A capitalised everyday word that opens a sentence, not an unknown first name."""
    lower = word.lower()
    return lower in _SENTENCE_OPENERS or lower.endswith(_DEFINITE_ENDING) or _is_trade(word)


_NEXT_WORD = re.compile(r"[ \u00a0]+([^\W\d_]+)")
_NEXT_COMPOUND = re.compile(r"[ \u00a0]+([^\W\d_]+-[^\W\d_]+)")
# Street and place names written as one word with a person's name in front ("Lars
# Kaggsgatan"): the last part of the name ends in one of these.
_STREET_SUFFIXES = (
    "gatan",
    "gata",
    "vägen",
    "väg",
    "gränd",
    "gränden",
    "allén",
    "allé",
    "torget",
    "torg",
    "platsen",
    "plan",
    "backen",
    "parken",
    "skolan",
    "gården",
    "stigen",
    "bron",
    "kyrkan",
    "gate",
    "gaten",
    "veien",
    "vegen",
    "plass",
    "plassen",
    "skolen",
    "kirke",
    "kirken",
    "parken",
    "torget",
    "hallen",
    "huset",
    "senteret",
)
_SENTENCE_END = ".!?\n\r\u2022"


def _name_list(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    names: set[str] = set()
    ambiguous: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        name = entry.removesuffix("*").strip()
        names.add(name)
        if entry.endswith("*"):
            ambiguous.add(name)
    return frozenset(names), frozenset(ambiguous)


@cache
def first_names() -> tuple[frozenset[str], frozenset[str]]:
    """The first-name list: ``(all names, names that are also ordinary words)``."""
    return _name_list(_NAMES_FILE)


@cache
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """The surname list: ``(all surnames, surnames that are also ordinary words)``."""
    return _name_list(_SURNAMES_FILE)


def _surname(word: str, listed: frozenset[str]) -> str | None:
    """The surname ``word`` is (genitive "Anderssons" too, either part of "Svensson-Berg"),
    or None."""
    for part in word.split("-"):
        for base in (part, part[:-1]) if part.endswith("s") else (part,):
            if base in listed or (len(base) > 4 and base.endswith(_SURNAME_ENDINGS)):
                return base
    return None


def _first_name(word: str, names: frozenset[str]) -> bool:
    """A listed first name, a hyphenated one ("Per-Olof") or its genitive ("Kalles")."""
    head = word.split("-", 1)[0]
    return head in names or (word.endswith("s") and word[:-1] in names)


def _at_sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\u00a0\"'«»“”‘’(-–")
    return not before or before[-1] in _SENTENCE_END


def _ends_in_place_word(word: str) -> bool:
    """A compound such as "Kaggsgatan", "Dahlbergsallén" or "Anka-parken"."""
    word = word.lower()
    if not word.endswith(_STREET_SUFFIXES):
        return False
    return any(word.endswith(end) and len(word) > len(end) + 2 for end in _STREET_SUFFIXES)


def _place_or_organisation_follows(text: str, end: int, genitive: bool) -> bool:
    if _ORG_AFTER.match(text, end):
        return True
    m = _NEXT_COMPOUND.match(text, end)
    if m is not None and _ends_in_place_word(m.group(1)):
        return True
    m = _NEXT_WORD.match(text, end)
    if m is None:
        return False
    if _is_trade(m.group(1)):
        return True
    return m.group(1).lower() in (_PLACE_WORDS if genitive else _INSTITUTION_WORDS)


def _is_trade(word: str) -> bool:
    """A capitalised trade word of a firm's name ("Bygg", "VVS", "Eiendomsforvaltning")."""
    lower = word.lower()
    return word[:1].isupper() and (lower in _TRADE_WORDS or lower.startswith(_TRADE_STEMS))


def _find_names(text: str) -> list[tuple[int, int, int, str]]:
    """Spans of likely person names: a first name and the capitalised words after it, a
    surname alone, and the same written in capitals."""
    found = _written_names(text)
    found += _names_in_capitals(text, found)
    return found + _names_in_lower_case(text, found)


def _written_names(text: str) -> list[tuple[int, int, int, str]]:
    names, ambiguous = first_names()
    listed, ambiguous_surnames = surnames()
    # Cheap pre-check: most texts hold no listed name and no surname ending at all.
    quick = _QUICK_WORD.findall(text)
    genitives = [w[:-1] for w in quick if w[-1] == "s"]
    if (
        names.isdisjoint(quick)
        and names.isdisjoint(genitives)
        and listed.isdisjoint(quick)
        and listed.isdisjoint(genitives)
        and not any(w.endswith(_SURNAME_ENDINGS) for w in quick + genitives)
    ):
        return []
    words = list(_CAP_WORD.finditer(text))
    out: list[tuple[int, int, int, str]] = []
    k = 0
    while k < len(words):
        first = words[k]
        if not _first_name(first.group(), names):
            k += 1
            continue
        i = last = k
        # Middle names and surnames: capitalised words joined by a space or a particle.
        while last + 1 < len(words) and last - k < 3:
            gap = _NAME_GAP.fullmatch(text, words[last].end(), words[last + 1].start())
            # "Kalle Lindberg Bygg": the trade word ends the name and makes it a firm's.
            if gap is None or _is_trade(words[last + 1].group()):
                break
            last += 1
        start, end = first.start(), words[last].end()
        k = last + 1
        if _ends_in_place_word(words[last].group()) and last > i:
            continue
        if _place_or_organisation_follows(text, end, text[end - 1] == "s"):
            continue
        # Alone, a name that is also a word is a name only where a capital is unusual.
        if last == i and first.group() in ambiguous and _at_sentence_start(text, start):
            continue
        out.append((_PRIORITY[NAMN], start, end, NAMN))
    return out + _lone_surnames(text, words, out, listed, ambiguous_surnames)


def _lone_surnames(text, words, found, listed, ambiguous) -> list[tuple[int, int, int, str]]:
    """Surnames outside the names already found ("Svensson i lgh 1203"), with the
    capitalised words right before them that the first-name list does not know ("Dragan
    Petrović"); at a sentence's start ("Tesfaldet Johansson bråkade") unless the word is an
    everyday one ("Grannen Lindqvist", "Ynglingen Dragan Petrović")."""
    taken = [(start, end) for _, start, end, _ in found]

    def free(m: re.Match) -> bool:
        return not _overlaps(m, taken)

    out: list[tuple[int, int, int, str]] = []
    for k, word in enumerate(words):
        base = _surname(word.group(), listed)
        if base is None or not free(word):
            continue
        at_start = _at_sentence_start(text, word.start())
        if base in ambiguous and at_start:
            continue
        if _place_or_organisation_follows(text, word.end(), word.group().endswith("s")):
            continue
        first = k
        while first > 0 and k - first < 2:
            before = words[first - 1]
            gap = _NAME_GAP.fullmatch(text, before.end(), words[first].start())
            if gap is None or not free(before):
                break
            if _at_sentence_start(text, before.start()):
                if not _everyday_opener(before.group()):
                    first -= 1
                break
            first -= 1
        out.append((_PRIORITY[NAMN], words[first].start(), word.end(), NAMN))
        # A later surname may reach back only up to this one ("Lindberg Lindberg").
        taken.append((words[first].start(), word.end()))
    return out


def _names_in_capitals(text: str, found) -> list[tuple[int, int, int, str]]:
    """Names written in capitals ("Uppgiftslämnare: KALLE SVENSSON"): a first name that is
    not also a word, with the capitalised surnames after it, or a surname alone.

    The words after a first name must themselves be surnames (by ending or list): in a
    text written all in capitals the next word is as likely an ordinary one ("ANNA SÅG").
    """
    if not _CAPS_QUICK.search(text):
        return []
    names, ambiguous = first_names()
    listed, ambiguous_surnames = surnames()
    taken = [(start, end) for _, start, end, _ in found]
    words = [w for w in _CAPS_WORD.finditer(text) if not _overlaps(w, taken)]
    out: list[tuple[int, int, int, str]] = []
    k = 0
    while k < len(words):
        word = words[k]
        title = "-".join(part.capitalize() for part in word.group().split("-"))
        surname = _surname(title, listed)
        if not (
            (_first_name(title, names) and title.split("-")[0] not in ambiguous)
            or (surname is not None and surname not in ambiguous_surnames)
        ):
            k += 1
            continue
        last = k
        while last + 1 < len(words) and last - k < 3:
            nxt = words[last + 1]
            gap = _NAME_GAP.fullmatch(text, words[last].end(), nxt.start())
            nxt_title = nxt.group().capitalize()
            if gap is None or _surname(nxt_title, listed) is None:
                break
            last += 1
        end = words[last].end()
        # A street, school or firm named after the person ("OLOF PALMES GATA"): a place or
        # organisation word after any of the capitalised words that follow.
        probe, named_place = k, False
        while not named_place and probe < len(words) and probe - k < 4:
            after = words[probe].end()
            named_place = _place_or_organisation_follows(text, after, text[after - 1] in "sS")
            nxt = words[probe + 1] if probe + 1 < len(words) else None
            if nxt is None or _NAME_GAP.fullmatch(text, after, nxt.start()) is None:
                break
            probe += 1
        k = last + 1
        if not named_place:
            out.append((_PRIORITY[NAMN], word.start(), end, NAMN))
    return out


@cache
def _lower_surnames() -> frozenset[str]:
    listed, ambiguous = surnames()
    return frozenset(name.lower() for name in listed - ambiguous)


def _names_in_lower_case(text: str, found) -> list[tuple[int, int, int, str]]:
    """Names typed without capitals ("kalle svensson i 3 tr"): a first name that is not
    also a word followed by a surname, or a surname alone that no Swedish or Norwegian
    word resembles (an -sson or -ić ending, a listed surname that is not also a word).

    A first name alone in lower case stays: without its capital it is as likely a word
    ("tina" is to thaw, "maj" a month).
    """
    # Cheap pre-check: most texts hold no surname ending and no listed surname.
    if not any(e in text for e in _SURNAME_ENDINGS) and _lower_surnames().isdisjoint(
        _LOWER_QUICK.findall(text)
    ):
        return []
    listed, ambiguous_surnames = surnames()
    names, ambiguous = first_names()
    taken = [(start, end) for _, start, end, _ in found]
    words = [w for w in _LOWER_WORD.finditer(text) if not _overlaps(w, taken)]

    def title(m: re.Match) -> str:
        return "-".join(part.capitalize() for part in m.group().split("-"))

    def surname(m: re.Match) -> bool:
        base = _surname(title(m), listed)
        return base is not None and base not in ambiguous_surnames

    out: list[tuple[int, int, int, str]] = []
    k = 0
    while k < len(words):
        word = words[k]
        first = title(word)
        last = k
        if _first_name(first, names) and first.split("-")[0] not in ambiguous:
            while last + 1 < len(words) and last - k < 2:
                nxt = words[last + 1]
                if _NAME_GAP.fullmatch(text, words[last].end(), nxt.start()) is None:
                    break
                if not surname(nxt):
                    break
                last += 1
            if last == k:  # a first name alone
                k += 1
                continue
        elif not surname(word):
            k += 1
            continue
        end = words[last].end()
        k = last + 1
        if _place_or_organisation_follows(text, end, text[end - 1] == "s"):
            continue
        out.append((_PRIORITY[NAMN], word.start(), end, NAMN))
    return out


def _overlaps(m: re.Match, spans) -> bool:
    return any(start < m.end() and m.start() < end for start, end in spans)
