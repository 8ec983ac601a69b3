"""Signals of the core app, for the domain apps that keep data derived from areas.

Core imports no domain app, so it announces changes and the apps that depend on them
(incidents: the area links computed at ingestion) connect receivers in their ``ready``.
"""

from django.dispatch import Signal

# Sent after areas were created or their borders changed (``area_ids``: list of Area ids),
# inside the caller's transaction. Receivers bring their derived data up to date and may
# return a short summary (e.g. how many incident links changed) for the caller's report.
area_borders_changed = Signal()
