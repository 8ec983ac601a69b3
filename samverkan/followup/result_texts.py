"""The evaluation results' texts in the reader's language.

:mod:`samverkan.analysis` is a library and writes its method names, interpretations and
refusals in English; an evaluation stores them as it got them. They are put into the
reader's language where they are shown (page, PDF), so evaluations stored earlier read
in Swedish too.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

# The analysis' own words -> the reader's. Refusals come inside a note of ours
# ("WDQ kunde inte beräknas: …"), so a text is translated wherever it stands in a note.
TEXTS = {
    # Methods
    "Exact conditional test of two Poisson rates (Przyborowski & Wilenski 1940)": _(
        "Exakt villkorligt test av två Poissonintensiteter (Przyborowski & Wilenski 1940)"
    ),
    "Relative effect size (Farrington et al. 2007; Welsh & Farrington 2009)": _(
        "Relativ effektstorlek (Farrington m.fl. 2007; Welsh & Farrington 2009)"
    ),
    "Difference in differences of Poisson counts (Wheeler & Ratcliffe 2018)": _(
        "Skillnad i skillnader mellan Poissonantal (Wheeler & Ratcliffe 2018)"
    ),
    "Weighted displacement quotient (Bowers & Johnson 2003; Guerette 2009)": _(
        "Viktad förflyttningskvot (Bowers & Johnson 2003; Guerette 2009)"
    ),
    "Weighted displacement difference (Wheeler & Ratcliffe 2018)": _(
        "Viktad förflyttningsskillnad (Wheeler & Ratcliffe 2018)"
    ),
    # What a weighted displacement quotient means (analysis.evaluation._interpret_wdq)
    "undefined: no change in the response area relative to the control area": _(
        "ej definierad: ingen förändring i insatsområdet jämfört med jämförelseområdet"
    ),
    "the response was not successful relative to the control area": _(
        "insatsen gav ingen minskning jämfört med jämförelseområdet"
    ),
    "diffusion of benefits greater than the direct effect": _(
        "spridning av nyttan till buffertzonen, större än den direkta effekten"
    ),
    "diffusion of benefits": _("spridning av nyttan till buffertzonen"),
    "no displacement or diffusion": _("varken förflyttning eller spridning av nyttan"),
    "displacement smaller than the direct effect: a net benefit remains": _(
        "förflyttning, mindre än den direkta effekten: en nettovinst kvarstår"
    ),
    "displacement greater than the direct effect: the benefit is erased": _(
        "förflyttning, större än den direkta effekten: vinsten äts upp"
    ),
    # Why a measure could not be computed
    "the relative effect size needs all four counts above zero": _(
        "alla fyra antal (insats- och jämförelseområdet, före och efter) måste vara större än noll"
    ),
    "the control area needs crimes in both periods": _(
        "jämförelseområdet måste ha händelser i båda perioderna"
    ),
    # Our own notes' beginnings (services.evaluations.compute_results)
    "Relativ effektstorlek kunde inte beräknas": _("Relativ effektstorlek kunde inte beräknas"),
    "WDQ kunde inte beräknas": _("WDQ kunde inte beräknas"),
}
# One pass, longest first ("diffusion of benefits" begins a longer text), so that a
# translation is never translated again.
_KNOWN = re.compile("|".join(re.escape(t) for t in sorted(TEXTS, key=len, reverse=True)))


def in_language(text: str) -> str:
    """``text`` with every known text of the analysis in the active language."""
    if not text:
        return text
    return _KNOWN.sub(lambda m: str(TEXTS[m.group(0)]), text)
