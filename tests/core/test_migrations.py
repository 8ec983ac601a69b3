"""Every model change ships with its migration.

A model edited without ``makemigrations`` works in the test database (built from the
models' migrations as they are) only until an installation migrates: an index or a column
would be missing there, or a later migration would be generated out of order.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration(capsys):
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit:
        pytest.fail(f"Models changed without a migration:\n{capsys.readouterr().out}")
