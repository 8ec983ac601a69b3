"""Public citizen-promise pages, mounted at /medborgarloften/ (no login)."""

from django.urls import path

from samverkan.plans import feeds, public

urlpatterns = [
    path("", public.PublicIndexView.as_view(), name="public-promises"),
    path("flode.rss", feeds.PromiseUpdatesFeed(), name="public-promises-rss"),
    path("<str:code>/", public.PublicAreaView.as_view(), name="public-promises-area"),
    path("<str:code>/flode.rss", feeds.PromiseUpdatesFeed(), name="public-promises-area-rss"),
    path(
        "<str:code>/flode.atom",
        feeds.PromiseUpdatesAtomFeed(),
        name="public-promises-area-atom",
    ),
]
