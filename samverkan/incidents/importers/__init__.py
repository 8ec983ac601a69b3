"""Importers: each turns a source file into :class:`~samverkan.incidents.ingest.IncidentRow`."""
