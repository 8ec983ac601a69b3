"""Full-text index of the experience bank: FTS5 on SQLite, a GIN index on PostgreSQL.

See :mod:`samverkan.followup.search`. Each RunSQL runs on its own database vendor only.
"""

from django.db import migrations

from samverkan.followup import search


class VendorRunSQL(migrations.RunSQL):
    """RunSQL that runs only when the database is of ``vendor``."""

    def __init__(self, vendor, *args, **kwargs):
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("followup", "0001_initial")]

    operations = [
        VendorRunSQL("sqlite", search.CREATE_SQLITE, search.DROP_SQLITE),
        VendorRunSQL("postgresql", search.CREATE_PG_INDEX, search.DROP_PG_INDEX),
    ]
