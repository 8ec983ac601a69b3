"""A plain-language summary of a lägesbild's figures, in Swedish, bokmål or English.

The summary says only what the figures support: a change is called clear ("tydligt") only
when the change test flagged it (:mod:`samverkan.analysis.change`, Wheeler 2016, with the
threshold adapted to the number of categories tested); everything else is "about
unchanged" or left out, and no change is tested on a period that some source does not cover
yet (the summary says how far the data reaches). The total comes first, then the flagged categories, then gaps in
reporting (a partner organisation that reported nothing), because a quiet period may just
be a period nobody reported in.
"""

from __future__ import annotations

from datetime import date, timedelta

from samverkan.core.periods import Period

LANGUAGES = ("sv", "nb", "en")

_TEXT = {
    "sv": {
        "incidents": ("händelse", "händelser"),
        "total": "Under {period} registrerades {n} {word} i {area}",
        "total_cmp": ", jämfört med {prev} {prev_name} och {ly} {ly_name}",
        "total_cmp_one": ", jämfört med {prev} {prev_name}",
        "up": "Det är en tydlig ökning jämfört med {base}.",
        "down": "Det är en tydlig minskning jämfört med {base}.",
        "same": "Det är ungefär oförändrat jämfört med {base}.",
        "cat_up": "{label} ökade tydligt jämfört med {base} ({n} mot {b}).",
        "cat_down": "{label} minskade tydligt jämfört med {base} ({n} mot {b}).",
        "no_flags": "Ingen kategori förändrades tydligt; övriga kategorier är ungefär oförändrade.",
        "rest_same": "Övriga kategorier är ungefär oförändrade.",
        "silent": "Inga rapporter kom in från {orgs} under perioden; siffrorna kan därför "
        "underskatta läget.",
        "through": "Data t.o.m. {date}.",
        "incomplete": "Perioden är inte komplett ({sources}), så ingen förändring prövas.",
        "source_through": "{source} t.o.m. {date}",
        "new_sources": "Förändringen prövas bara på källor som fanns under båda perioderna; "
        "{sources} är nya och räknas inte in i jämförelsen.",
        "few": "färre än {k}",
        "hidden": "ett dolt antal",
        "and": "och",
        "in_period": "i {name}",
        "base": {
            ("last_year", "week"): "samma vecka förra året",
            ("last_year", "month"): "samma månad förra året",
            ("last_year", "tertial"): "samma tertial förra året",
            ("last_year", "year"): "föregående år",
            ("last_year", "custom"): "samma period förra året",
            ("previous", "week"): "föregående vecka",
            ("previous", "month"): "föregående månad",
            ("previous", "tertial"): "föregående tertial",
            ("previous", "year"): "föregående år",
            ("previous", "custom"): "föregående period",
        },
    },
    "nb": {
        "incidents": ("hendelse", "hendelser"),
        "total": "I {period} ble det registrert {n} {word} i {area}",
        "total_cmp": ", sammenlignet med {prev} {prev_name} og {ly} {ly_name}",
        "total_cmp_one": ", sammenlignet med {prev} {prev_name}",
        "up": "Det er en tydelig økning sammenlignet med {base}.",
        "down": "Det er en tydelig nedgang sammenlignet med {base}.",
        "same": "Det er omtrent uendret sammenlignet med {base}.",
        "cat_up": "{label} økte tydelig sammenlignet med {base} ({n} mot {b}).",
        "cat_down": "{label} gikk tydelig ned sammenlignet med {base} ({n} mot {b}).",
        "no_flags": "Ingen kategori endret seg tydelig; de andre kategoriene er omtrent uendret.",
        "rest_same": "De andre kategoriene er omtrent uendret.",
        "silent": "Det kom ingen rapporter fra {orgs} i perioden; tallene kan derfor "
        "undervurdere situasjonen.",
        "through": "Data til og med {date}.",
        "incomplete": "Perioden er ikke komplett ({sources}), så ingen endring testes.",
        "source_through": "{source} til og med {date}",
        "new_sources": "Endringen testes bare på kilder som fantes i begge periodene; "
        "{sources} er nye og holdes utenfor sammenligningen.",
        "few": "færre enn {k}",
        "hidden": "et skjult antall",
        "and": "og",
        "in_period": "i {name}",
        "base": {
            ("last_year", "week"): "samme uke i fjor",
            ("last_year", "month"): "samme måned i fjor",
            ("last_year", "tertial"): "samme tertial i fjor",
            ("last_year", "year"): "året før",
            ("last_year", "custom"): "samme periode i fjor",
            ("previous", "week"): "forrige uke",
            ("previous", "month"): "forrige måned",
            ("previous", "tertial"): "forrige tertial",
            ("previous", "year"): "året før",
            ("previous", "custom"): "forrige periode",
        },
    },
    "en": {
        "incidents": ("incident", "incidents"),
        "total": "In {period}, {n} {word} were recorded in {area}",
        "total_cmp": ", compared with {prev} {prev_name} and {ly} {ly_name}",
        "total_cmp_one": ", compared with {prev} {prev_name}",
        "up": "That is a clear increase compared with {base}.",
        "down": "That is a clear decrease compared with {base}.",
        "same": "That is about unchanged compared with {base}.",
        "cat_up": "{label} increased clearly compared with {base} ({n} against {b}).",
        "cat_down": "{label} decreased clearly compared with {base} ({n} against {b}).",
        "no_flags": "No category changed clearly; the others are about unchanged.",
        "rest_same": "The other categories are about unchanged.",
        "silent": "No reports came in from {orgs} during the period, so the figures may "
        "understate the situation.",
        "through": "Data through {date}.",
        "incomplete": "The period is not complete ({sources}), so no change is tested.",
        "source_through": "{source} through {date}",
        "new_sources": "Change is tested only on sources present in both periods; "
        "{sources} are new and left out of the comparison.",
        "few": "fewer than {k}",
        "hidden": "a hidden number of",
        "and": "and",
        "in_period": "in {name}",
        "base": {
            ("last_year", "week"): "the same week last year",
            ("last_year", "month"): "the same month last year",
            ("last_year", "tertial"): "the same tertial last year",
            ("last_year", "year"): "the previous year",
            ("last_year", "custom"): "the same period last year",
            ("previous", "week"): "the previous week",
            ("previous", "month"): "the previous month",
            ("previous", "tertial"): "the previous tertial",
            ("previous", "year"): "the previous year",
            ("previous", "custom"): "the previous period",
        },
    },
}


def _num(value, t: dict, k: int) -> str:
    if isinstance(value, str):
        return t["few"].format(k=k) if value.startswith("<") else t["hidden"]
    # Grouped as the language writes counts: "12 400" (no-break space), "12,400".
    return f"{value:,}".replace(",", "," if t is _TEXT["en"] else "\u00a0")


def _mean(row: dict, t: dict, k: int) -> str:
    """The baseline mean of ``row`` with one decimal; hidden if its pooled count is."""
    if isinstance(row.get("baseline_total"), str):
        return _num(row["baseline_total"], t, k)
    mean = row.get("baseline_mean")
    if mean is None:
        return t["hidden"]
    text = f"{mean:.1f}".removesuffix(".0")
    return text if t is _TEXT["en"] else text.replace(".", ",")


def _join(items: list[str], t: dict) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t['and']} {items[-1]}"


def _period_name(period: dict, lang: str) -> str:
    try:
        first = date.fromisoformat(period["first_day"])
        last = date.fromisoformat(period["last_day"])
        return Period(period["type"], first, last + timedelta(days=1)).human(lang)
    except (KeyError, ValueError):
        return period.get("name") or period.get("label", "")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# A baseline of several periods is named by its mean (build.choose_baseline).
_AVERAGE = {
    "sv": {
        "seasonal": "snittet för samma {one} de {n} senaste åren",
        "rolling": "snittet för de {n} föregående {many}",
        "units": {
            "week": ("vecka", "veckorna"),
            "month": ("månad", "månaderna"),
            "tertial": ("tertial", "tertialen"),
            "year": ("år", "åren"),
            "custom": ("period", "perioderna"),
        },
        "numbers": {2: "två", 3: "tre", 4: "fyra", 12: "tolv"},
    },
    "nb": {
        "seasonal": "snittet for samme {one} de {n} siste årene",
        "rolling": "snittet for de {n} foregående {many}",
        "units": {
            "week": ("uke", "ukene"),
            "month": ("måned", "månedene"),
            "tertial": ("tertial", "tertialene"),
            "year": ("år", "årene"),
            "custom": ("periode", "periodene"),
        },
        "numbers": {2: "to", 3: "tre", 4: "fire", 12: "tolv"},
    },
    "en": {
        "seasonal": "the average of the same {one} in the last {n} years",
        "rolling": "the average of the previous {n} {many}",
        "units": {
            "week": ("week", "weeks"),
            "month": ("month", "months"),
            "tertial": ("tertial", "tertials"),
            "year": ("year", "years"),
            "custom": ("period", "periods"),
        },
        "numbers": {2: "two", 3: "three", 4: "four", 12: "twelve"},
    },
}


def _base_name(figures: dict, t: dict, lang: str, ptype: str) -> str:
    baseline = figures.get("comparison", "previous")
    if (baseline, ptype) in t["base"]:
        return t["base"][(baseline, ptype)]
    words = _AVERAGE[lang]
    n = (figures.get("baseline") or {}).get("n_periods") or 1
    one, many = words["units"].get(ptype, words["units"]["custom"])
    return words[baseline].format(one=one, many=many, n=words["numbers"].get(n, str(n)))


def summarise(figures: dict, language: str = "sv") -> str:
    """The summary text of ``figures`` (as returned by ``build_figures``) in ``language``.

    Example: "Skadegörelse ökade tydligt jämfört med samma månad förra året (42 mot 21)."
    """
    lang = language if language in LANGUAGES else "sv"
    t = _TEXT[lang]
    k = figures.get("suppression_k") or 3
    ptype = figures["period"]["type"]
    baseline = figures.get("comparison", "previous")
    base_name = _base_name(figures, t, lang, ptype)
    totals = figures["totals"]
    count = totals["count"]
    word = t["incidents"][0 if count == 1 else 1]
    sentence = t["total"].format(
        period=_period_name(figures["period"], lang),
        n=_num(count, t, k),
        word=word,
        area=figures["area"]["name"],
    )
    prev_name = t["base"][("previous", ptype)]
    ly_name = t["base"][("last_year", ptype)]
    if ptype == "year":
        sentence += t["total_cmp_one"].format(
            prev=_num(totals["previous"], t, k), prev_name=t["in_period"].format(name=prev_name)
        )
    else:
        sentence += t["total_cmp"].format(
            prev=_num(totals["previous"], t, k),
            prev_name=t["in_period"].format(name=prev_name),
            ly=_num(totals["last_year"], t, k),
            ly_name=t["in_period"].format(name=ly_name),
        )
    parts = [sentence + "."]
    coverage = figures.get("coverage") or {}
    if coverage.get("data_through"):
        parts.append(t["through"].format(date=coverage["data_through"]))
    test = figures.get("change_test") or {}
    if coverage.get("complete") is False:
        lagging = [
            t["source_through"].format(source=r["source"], date=r["data_through"])
            for r in coverage.get("sources") or []
            if not r["complete"]
        ]
        parts.append(t["incomplete"].format(sources=_join(lagging, t) or "—"))
    elif test.get("excluded_sources"):
        parts.append(t["new_sources"].format(sources=_join(test["excluded_sources"], t)))
    flag = totals.get("flag")
    if flag == "increase":
        parts.append(t["up"].format(base=base_name))
    elif flag == "decrease":
        parts.append(t["down"].format(base=base_name))
    elif totals.get("z") is not None:
        parts.append(t["same"].format(base=base_name))

    flagged = [r for r in figures.get("by_category", []) if r.get("flag")]
    flagged.sort(key=lambda r: -abs(r.get("z") or 0))
    for r in flagged:
        label = (r.get("labels") or {}).get(lang) or r["label"]
        key = "cat_up" if r["flag"] == "increase" else "cat_down"
        parts.append(
            t[key].format(
                label=_capital(label),
                base=base_name,
                n=_num(r["count"], t, k),
                b=_num(r[baseline], t, k) if baseline in r else _mean(r, t, k),
            )
        )
    if figures.get("by_category") and test.get("tested", True):
        # Only a tested period has categories that are "unchanged".
        parts.append(t["rest_same"] if flagged else t["no_flags"])

    silent = (figures.get("coverage") or {}).get("silent_organisations") or []
    if silent:
        parts.append(t["silent"].format(orgs=_join(silent, t)))
    return " ".join(parts)
