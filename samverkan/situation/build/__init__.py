"""Build the figures of a lägesbild: one plain, JSON-ready dict per area and period.

Counts are aggregated in SQL on :class:`~samverkan.incidents.models.IncidentArea`, whose
rows carry copies of the incident's counting columns and whose covering index turns every
count into a range scan of the index alone; the period's rows are read once into numpy for
the point-level sections (hot spots, near repeat, repeat places), the weekday x hour
profile and the coverage. The statistics themselves come from
:mod:`samverkan.analysis` (see ``docs/methods/`` and ``docs/situation.md``).

Which incidents count: those linked to the area, minus summaries/notices (``is_summary``)
and incidents marked as duplicates. With a partnership, only what belongs in that
partnership's picture (:func:`samverkan.incidents.permissions.partnership_filter`); without
one, nothing that an organisation kept to itself.

Audiences ``shared`` and ``public`` get aggregates only: counts of 1-2 become ``"<3"``, with
secondary suppression (``".."``) checked by an LP attack over all linked tables and every
figure derived from a hidden count withdrawn (:mod:`samverkan.situation.disclosure`), and
nothing at the level of single incidents or places. For a county, police region or the whole country the
shared picture is composed from the child areas' aggregates alone.

The package follows the sections of the picture: :mod:`.counts` (counts, trend, data
currency), :mod:`.baseline` (the change test's baseline and the changes), :mod:`.points`
(the period's rows as arrays, time of day), :mod:`.hot_spots`, :mod:`.repeats` (near
repeat, repeat places), :mod:`.coverage` (notable events, coverage) and :mod:`.assembly`,
which composes them into one dict; :mod:`.common` holds the shared constants and helpers.
"""

from samverkan.situation.build.assembly import build_figures, build_for_period, point_incidents
from samverkan.situation.build.baseline import baseline_text
from samverkan.situation.build.common import (
    AUDIENCES,
    INTERNAL,
    PUBLIC,
    PUBLIC_SOURCE_KIND,
    SHARED,
    SUPPRESS_K,
    Categories,
    _epoch_seconds,
)

__all__ = [
    "AUDIENCES",
    "INTERNAL",
    "PUBLIC",
    "PUBLIC_SOURCE_KIND",
    "SHARED",
    "SUPPRESS_K",
    "Categories",
    "_epoch_seconds",
    "baseline_text",
    "build_figures",
    "build_for_period",
    "point_incidents",
]
