"""Signals of the incidents app, for apps that follow what comes in without being imported
here (the layering keeps incidents free of the apps built on it)."""

from django.dispatch import Signal

# Sent by :func:`samverkan.incidents.ingest.ingest` after it stored new incidents, inside the
# caller's transaction (``report`` is the IngestReport): receivers that start work should do
# so with ``transaction.on_commit``.
incidents_ingested = Signal()
