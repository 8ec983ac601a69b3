"""RSS and Atom feeds of citizen-promise updates (published promises only).

Feed readers render an item's description (RSS) and summary (Atom ``type="html"``) as
HTML, and many render RSS titles so too; the texts are typed by coordinators, so they are
escaped here and a reader shows them as the text they are. Atom titles are plain text by
the standard (RFC 4287, 3.1) and stay unescaped.
"""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from samverkan.plans.public import public_area, published_updates

MAX_ITEMS = 50


class PromiseUpdatesFeed(Feed):
    """Updates of every published promise, or of one area's (``code``)."""

    permission_required = "public"
    description = "Lägesrapporter om kommunens och polisens medborgarlöften."
    titles_are_html = True

    def _title_text(self, text: str) -> str:
        return escape(text) if self.titles_are_html else text

    def get_object(self, request, code=None):
        if code is None:
            return None
        # An area's feed carries the updates of its districts' promises too, as its page.
        # The ids ride on this request's area object: the feed instance is shared.
        area, area._public_ids = public_area(code)
        return area

    def title(self, area):
        return self._title_text(f"Medborgarlöften i {area.name}" if area else "Medborgarlöften")

    def link(self, area):
        if area is None:
            return reverse("public-promises")
        return reverse("public-promises-area", args=[area.code])

    def items(self, area):
        updates = published_updates()
        if area is not None:
            updates = updates.filter(promise__area_id__in=area._public_ids)
        return updates.order_by("-date", "-id")[:MAX_ITEMS]

    def item_title(self, item):
        return self._title_text(f"{item.promise.title} – {item.date:%Y-%m-%d}")

    def item_description(self, item):
        return linebreaksbr(item.text, autoescape=True)

    def item_link(self, item):
        return (
            reverse("public-promises-area", args=[item.promise.area.code])
            + f"#uppdatering-{item.pk}"
        )

    def item_guid(self, item):
        return f"promise-update-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return datetime.combine(item.date, time(12), timezone.get_current_timezone())


class PromiseUpdatesAtomFeed(PromiseUpdatesFeed):
    feed_type = Atom1Feed
    subtitle = PromiseUpdatesFeed.description
    titles_are_html = False
