"""Check digits of Swedish and Norwegian personal identity numbers.

Used by the masking of free text (:mod:`samverkan.core.masking`) and by the identity
fields of preventive cases (:mod:`samverkan.cases.identity`), so they live in core.

References
----------
Skatteverket, "Personnummer", SKV 704 (Luhn check digit).
Skatteetaten, "Fødselsnummer" (modulus-11 check digits).
"""

from __future__ import annotations

# Digit sum of 2*d, so the Luhn loop needs no branch.
_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_ok(digits: str) -> bool:
    """Return whether a digit string passes the Luhn (mod 10) check.

    Weights 2, 1, 2, 1 ... run from the *right* end's neighbour, as in ISO/IEC 7812, so
    the function works for any length; for the 10 digits of a personnummer this equals
    Skatteverket's left-to-right weights 2, 1, 2, ... 2, 1.

    Parameters
    ----------
    digits : str
        Only the characters 0-9.

    Returns
    -------
    bool
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        total += _LUHN_DOUBLE[d] if i % 2 else d
    return total % 10 == 0


_FNR_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def fnr_checksum_ok(digits: str) -> bool:
    """Return whether 11 digits carry the two valid Norwegian modulus-11 check digits.

    Parameters
    ----------
    digits : str
        Exactly 11 characters 0-9.

    Returns
    -------
    bool
        False also when a check digit would have to be 10: such numbers are never issued.
    """
    if len(digits) != 11:
        return False
    d = [ord(c) - 48 for c in digits]
    k1 = (11 - sum(w * x for w, x in zip(_FNR_W1, d))) % 11
    if k1 == 10 or k1 != d[9]:
        return False
    k2 = (11 - sum(w * x for w, x in zip(_FNR_W2, d))) % 11
    return k2 != 10 and k2 == d[10]
