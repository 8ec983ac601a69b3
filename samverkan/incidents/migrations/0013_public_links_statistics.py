"""Joint statistics of a link's area and organisation on PostgreSQL.

The two are correlated: in a municipality that reports, most links of its areas are its
own reports, while in the country as a whole most links are police events. Estimated as
independent columns, PostgreSQL guessed 7,660 public links in Örebro's areas where there
are 860, and read every public-source incident instead of those 860 (issue 15, item 8).
A most-common-values list of the pairs gives the true figure. Its size (1,000 pairs) covers
the areas of a county's municipalities and districts. SQLite has no such statistics.
"""

from django.db import migrations

CREATE = [
    "CREATE STATISTICS IF NOT EXISTS incidentarea_area_organisation (mcv)"
    " ON area_id, organisation_id FROM incidents_incidentarea",
    "ALTER STATISTICS incidentarea_area_organisation SET STATISTICS 1000",
    "ANALYZE incidents_incidentarea",
]
DROP = "DROP STATISTICS IF EXISTS incidentarea_area_organisation"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0012_public_links_index")]

    operations = [migrations.RunPython(create, drop)]
