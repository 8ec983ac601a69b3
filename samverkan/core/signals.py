"""Signals of the core app, for the domain apps that keep data derived from areas.

Core imports no domain app, so it announces changes and the apps that depend on them
(incidents: the area links computed at ingestion) connect receivers in their ``ready``.
"""

from django.dispatch import Signal

# Sent after areas were created or their borders changed (``area_ids``: list of Area ids),
# inside the caller's transaction. Receivers bring their derived data up to date and may
# return a short summary (e.g. how many incident links changed) for the caller's report.
area_borders_changed = Signal()

# Sent when an own area drawn on the map was created or its border changed (``job_id``:
# the AreaLinkJob that records the progress), inside the caller's transaction. Unlike
# ``area_borders_changed`` the work is not done now: the receiver queues it for the
# background worker, so the coordinator's save returns at once.
area_links_requested = Signal()
