"""The example crontab runs every command that must run on a schedule, and only real ones.

A retention rule nobody schedules is a promise that is not kept: residents are told their
e-mail address is deleted after 90 days, and cases past retention must be anonymised.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

CRON = Path(__file__).resolve().parents[2] / "deploy" / "samverkan.cron"
SCHEDULED = {"backup", "anonymise_cases", "send_reminders", "purge_citizen_contacts"}


def scheduled_commands(text: str) -> set[str]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {m for line in lines for m in re.findall(r"\.venv/bin/samverkan (\w+)", line)}


def test_cron_runs_the_retention_and_backup_commands():
    found = scheduled_commands(CRON.read_text(encoding="utf-8"))
    assert SCHEDULED <= found
    assert found <= set(get_commands())


def test_the_check_reads_commented_lines_as_not_scheduled():
    text = (
        "# 0 1 * * * x .venv/bin/samverkan backup\n0 2 * * * x .venv/bin/samverkan send_reminders\n"
    )
    assert scheduled_commands(text) == {"send_reminders"}
