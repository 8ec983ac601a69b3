"""Mask personal data in incident free text before it is stored.

Incident reports describe places and events, not people (DESIGN.md, section 4), yet the
people who write them (caretakers, school staff, patrolling guards) often paste in a phone
number, an e-mail address, an identity number or a name. This module replaces those with
the tokens ``[personnummer]``, ``[telefon]``, ``[e-post]`` and ``[namn]``.

Identity numbers are only masked when their check digits and date part are valid. That
keeps false positives (dates, case numbers, organisation numbers, amounts) rare without a
list of exceptions: a random ten-digit number passes the Luhn check one time in ten and is
a plausible date a few times in a hundred. Phone numbers carry no check digit, so they are
recognised by their national numbering plans and typical written groupings instead.

Names have no check digit either. A name is a first name from a list of the common first
names in Sweden and Norway (``data/first_names.txt``), optionally followed by further
capitalised words (middle names, surnames): "Kalle Svensson", "Per-Olof Ek", "Ebba von
Sydow", "Kalles". A surname alone is a name too when its ending says so (the Swedish
patronymics "Andersson", "Petterssons"; South Slavic "Petrović") or it is a common surname
of ``data/surnames.txt`` ("Lindqvist", "Hansen"), with the capitalised words right before
it that the first-name list does not know ("Dragan Petrović"). Place and organisation names
built from a person's name are left alone when a place or organisation word follows
("Olof Palmes gata", "Karl Johans gate", "Anderssons väg", "Maria Magdalena kyrka", "Eva
Lundgren AB"), or a capitalised trade word, for a firm named after its owner ("Lindberg
Bygg", "Nilsson VVS", "Olsen Rør"). A first name or surname that is also an ordinary word ("Per", "Hans",
"Stig", "Haugen") is masked on its own only where its capital letter says it is a name, not
at the start of a sentence. Names in capitals ("KALLE SVENSSON") follow the same lists,
except that the words after a first name must be surnames themselves and the first names
and surnames that are also words are left out. Names in lower case ("kalle svensson") are
masked as a first name followed by a surname, or a surname alone that is not also a word;
a lower-case first name alone is not (it is as likely a word). A rare first name is not
recognised: precision and recall are measured on the labelled corpus of the tests and
reported in docs/anvandarguide.md.

The package is pure Python (no Django) so that it can run in bulk imports and notebooks. It is
split by concept: :mod:`.rules` (the kinds, tokens and identity-number validity),
:mod:`.patterns` (the shapes of numbers and addresses), :mod:`.names` (names of people) and
:mod:`.finding` (choosing among candidates and masking); the public names are re-exported
here.

References
----------
Skatteverket, "Personnummer", SKV 704 (structure, Luhn check digit, "+" for 100+ years);
Skatteverket, "Samordningsnummer", SKV 707 (day of birth plus 60).
Skatteetaten, "Fødselsnummer" and "D-nummer" (two modulus-11 check digits, day plus 40);
H-numbers (month plus 40) follow the same rules.
Post- och telestyrelsen, "Svensk nummerplan för telefoni" (trunk prefix 0, area codes of
1-3 digits, mobile series 07x with 10 digits in national form); Nkom, "Nummerplan for
E.164" (Norwegian 8-digit numbers, mobiles in the 4 and 9 series).
Statistiska centralbyrån (SCB), "Namn och namnsdagar"; Statistisk sentralbyrå (SSB),
"Navn" (the most common first names, from which the name list is compiled).
"""

from samverkan.core.masking.finding import likely_names, mask, mask_text
from samverkan.core.masking.names import first_names
from samverkan.core.masking.patterns import is_fodselsnummer, is_personnummer
from samverkan.core.masking.rules import KINDS, TOKENS, MaskResult

__all__ = [
    "KINDS",
    "TOKENS",
    "MaskResult",
    "first_names",
    "is_fodselsnummer",
    "is_personnummer",
    "likely_names",
    "mask",
    "mask_text",
]
