"""The three areas of an evaluation: which combinations make a sound design, and their map.

A design with a comparison area and a buffer zone (Bowers & Johnson 2003; Guerette 2009;
Wheeler & Ratcliffe 2018) needs three different places: the treated area where the
measure works, a comparison area with the same trend but untouched by the measure, and a
buffer (catchment) zone next to the treated area into which crime may be displaced. If
the buffer overlaps the comparison area, the same incidents count both as displacement
and as the comparison's background trend, and the weighted displacement quotient mixes
the two; so the buffer must not share ground with the comparison area. Areas may be of
any level (municipality, district, DeSO, an own drawn area).
"""

from __future__ import annotations

import shapely
from django.utils.translation import gettext as _
from shapely.geometry import shape

# Borders digitised by different hands (a drawn own area beside an imported district)
# overlap by slivers; an overlap below this share of the smaller area is not counted.
SLIVER_SHARE = 0.001

ROLES = (
    ("treated_area", "treated"),
    ("comparison_area", "comparison"),
    ("buffer_area", "buffer"),
)


def _shape(area):
    if not area.geometry:
        return None
    geom = shape(area.geometry)
    return geom if geom.is_valid else shapely.make_valid(geom)


def _nested(a, b) -> bool:
    """Is one area below the other in the hierarchy (so they share ground)?"""
    return a.pk in {x.pk for x in b.ancestors()} or b.pk in {x.pk for x in a.ancestors()}


def overlap(a, b) -> bool:
    """Do two areas share ground (more than a digitising sliver)?"""
    if a.pk == b.pk or _nested(a, b):
        return True
    ga, gb = _shape(a), _shape(b)
    if ga is None or gb is None or ga.is_empty or gb.is_empty:
        return False
    common = ga.intersection(gb).area
    return common > SLIVER_SHARE * min(ga.area, gb.area)


def conflicts(treated, comparison, buffer) -> list[tuple[str, str]]:
    """(field, Swedish message) for each way the chosen areas break the design."""
    errors = []
    if treated is not None and comparison is not None and comparison.pk == treated.pk:
        errors.append(
            ("comparison_area", _("Jämförelseområdet måste vara ett annat än insatsområdet."))
        )
    if buffer is None:
        return errors
    if treated is not None and buffer.pk == treated.pk:
        errors.append(("buffer_area", _("Buffertzonen måste vara en annan än insatsområdet.")))
    if comparison is not None and buffer.pk == comparison.pk:
        errors.append(("buffer_area", _("Buffertzonen måste vara en annan än jämförelseområdet.")))
    elif comparison is not None and overlap(buffer, comparison):
        errors.append(
            (
                "buffer_area",
                _(
                    "Buffertzonen %(buffer)s överlappar jämförelseområdet %(comparison)s. "
                    "Välj områden som inte delar yta: annars räknas samma händelser både "
                    "som förflyttning och som jämförelse."
                )
                % {"buffer": buffer.name, "comparison": comparison.name},
            )
        )
    return errors


def role_labels() -> dict[str, str]:
    return {
        "treated": _("Insatsområde"),
        "comparison": _("Jämförelseområde"),
        "buffer": _("Buffertzon"),
    }


def geojson(evaluation) -> dict:
    """The evaluation's areas as GeoJSON, each named with its role for the map's labels."""
    labels = role_labels()
    features = []
    for field, role in ROLES:
        area = getattr(evaluation, field)
        if area is None or not area.geometry:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": area.geometry,
                "properties": {
                    "name": f"{labels[role]}: {area.name}",
                    "role": role,
                    "level": area.get_level_display(),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
