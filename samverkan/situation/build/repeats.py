"""Near repeat alert zones and repeat places of a lägesbild."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import numpy as np

from samverkan.analysis import nearrepeat, repeats
from samverkan.core.geo import PROJECTED_CRS, to_wgs84
from samverkan.incidents.models import (
    IncidentArea,
)
from samverkan.incidents.taxonomy import BURGLARY_LIKE

NEAR_REPEAT_DAYS = 14
NEAR_REPEAT_METRES = 200.0
TOP_REPEAT_PLACES = 10


class RepeatsMixin:
    """Near repeat zones and the places struck again and again."""

    def near_repeat(self, pts) -> dict:
        watched = self.cats.descendants(BURGLARY_LIKE)
        base = {
            "categories": sorted(BURGLARY_LIKE),
            "days": NEAR_REPEAT_DAYS,
            "distance_m": NEAR_REPEAT_METRES,
            "zones": [],
        }
        if not pts:
            return base
        keep = np.isin(pts["category"], list(watched)) & ~np.isnan(pts["x"])
        if not keep.any():
            return base
        ref = min(self.period.end, self.now).timestamp() / 86400.0
        result = nearrepeat.alert_zones(
            pts["x"][keep],
            pts["y"][keep],
            pts["t"][keep] / 86400.0,
            ref,
            ids=pts["id"][keep].tolist(),
            distance=NEAR_REPEAT_METRES,
            days=NEAR_REPEAT_DAYS,
        )
        crs = PROJECTED_CRS.get(self.area.country, "EPSG:3006")
        zones = []
        for z in result.zones:
            lon, lat = to_wgs84(z.x, z.y, crs)
            zones.append(
                {
                    "lon": round(float(lon), 6),
                    "lat": round(float(lat), 6),
                    "radius_m": round(float(z.radius), 1),
                    "expires_at": datetime.fromtimestamp(float(z.expires_at) * 86400.0, UTC)
                    .replace(microsecond=0)
                    .isoformat(),
                    "n_incidents": len(z.source_ids),
                }
            )
        return {**base, "zones": zones, "method": result.method}

    def repeat_places(self, pts) -> list[dict]:
        """Places with two or more incidents, the most first, with the incidents behind them.

        Reports of one place are joined within ``REPEAT_PLACE_RADIUS_M`` and by their typed
        place name within the same child area (a district's "Skolgården" is not another's);
        see :func:`samverkan.analysis.repeats.place_groups`. Only the internal picture has
        this section, so the incident ids may be listed for the click-through.
        """
        from django.conf import settings

        if not pts:
            return []
        ok = ~np.isnan(pts["x"])
        if ok.sum() < 2:
            return []
        idx = np.flatnonzero(ok)
        ids = pts["id"][idx]
        area_of: dict[int, int] = {}
        if self.children:
            links = (
                IncidentArea.objects.filter(
                    area_id__in=[c.pk for c in self.children],
                    incident_id__in=self.current_rows().values("incident_id"),
                )
                .order_by("area_id")
                .values_list("incident_id", "area_id")
            )
            for incident_id, area_id in links:
                area_of.setdefault(incident_id, area_id)
        result = repeats.repeat_places(
            pts["x"][idx],
            pts["y"][idx],
            radius=settings.REPEAT_PLACE_RADIUS_M,
            names=pts["place"][idx].tolist(),
            areas=[area_of.get(i) for i in ids.tolist()],
        )
        out = []
        for g in range(min(TOP_REPEAT_PLACES, len(result.keys))):
            n = int(result.counts[g])
            if n < 2:
                break
            members = idx[result.group == g]
            names = Counter(p.strip() for p in pts["place"][members].tolist() if p and p.strip())
            cats = Counter(self.cats.group_of[c] for c in pts["category"][members].tolist())
            out.append(
                {
                    "lon": round(float(pts["lon"][members].mean()), 6),
                    "lat": round(float(pts["lat"][members].mean()), 6),
                    "count": n,
                    "place": names.most_common(1)[0][0] if names else "",
                    "categories": [
                        {
                            "code": self.cats.by_id[c]["code"],
                            "label": self.cats.by_id[c]["label_sv"],
                            "count": k,
                        }
                        for c, k in cats.most_common()
                    ],
                    "incident_ids": sorted(int(i) for i in pts["id"][members].tolist()),
                }
            )
        return out
