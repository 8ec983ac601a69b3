"""Command options are read like query parameters: a bad number is refused by name.

``samverkan import_indicator --indicator 99999999999999999999`` once ended in an
``OverflowError`` from SQLite, and ``near_repeat --permutations 999999999999`` would run
for ever. Every numeric option is declared with ``samverkan.core.params.whole_number`` or
``decimal_number``: the parser refuses what is not a number in range, with a message
that names the option (a ``CommandError`` when called from code, exit status 2 with the
message from the command line).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from samverkan.core.params import decimal_number, whole_number

ROOT = Path(__file__).resolve().parents[2]
HUGE = "9" * 30

# (command, option, a value in range that the parser accepts)
NUMERIC_OPTIONS = [
    ("send_reminders", "--days", "7"),
    ("near_repeat", "--dist-band", "100"),
    ("near_repeat", "--dist-bands", "3"),
    ("near_repeat", "--time-band", "2"),
    ("near_repeat", "--time-bands", "2"),
    ("near_repeat", "--permutations", "99"),
    ("near_repeat", "--seed", "1"),
    ("import_indicator", "--indicator", "1"),
    ("import_areas", "--code-width", "4"),
    ("serve", "--workers", "2"),
    ("serve", "--threads", "4"),
    ("serve", "--timeout", "120"),
    ("worker", "--heartbeat", "1.5"),
    ("remask_texts", "--batch", "1000"),
]


def test_no_command_reads_a_number_with_the_bare_int_or_float():
    bare = []
    for path in sorted((ROOT / "samverkan").glob("*/management/commands/*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\btype=(int|float)\b", line):
                bare.append(f"{path.relative_to(ROOT)}:{n}")
    assert not bare, f"use whole_number/decimal_number from samverkan.core.params: {bare}"


def test_every_numeric_option_is_in_this_test():
    declared = set()
    for path in sorted((ROOT / "samverkan").glob("*/management/commands/*.py")):
        text = path.read_text(encoding="utf-8")
        for option in re.findall(
            r'"(--[a-z-]+)",?\s*(?:\n\s*)?type=(?:whole_number|decimal_number)\(', text
        ):
            declared.add((path.stem, option))
    assert declared == {(c, o) for c, o, _ in NUMERIC_OPTIONS}


@pytest.mark.parametrize("command, option, good", NUMERIC_OPTIONS)
@pytest.mark.parametrize("bad", [HUGE, "-" + HUGE, "tio", "1e400", "nan", ""])
def test_a_bad_number_is_refused_by_name(command, option, good, bad):
    with pytest.raises(CommandError) as refused:
        call_command(command, f"{option}={bad}")
    message = str(refused.value)
    assert option in message and ("heltal" in message or "tal" in message), message


@pytest.mark.parametrize("command, option, good", NUMERIC_OPTIONS)
def test_the_parser_accepts_a_value_in_range(command, option, good):
    from django.core.management import get_commands, load_command_class

    cmd = load_command_class(get_commands()[command], command)
    parser = cmd.create_parser("samverkan", command)
    action = next(a for a in parser._actions if option in a.option_strings)
    assert action.type(good) == (float(good) if "." in good else int(good))


def test_the_types_check_range_and_form():
    days = whole_number(0, 10)
    assert days(" 7 ") == 7
    for bad in ("11", "-1", "7.5", HUGE, "0x10"):
        with pytest.raises(argparse.ArgumentTypeError):
            days(bad)
    seconds = decimal_number(0.1, 60)
    assert seconds("1,5") == 1.5 and seconds("60") == 60.0
    for bad in ("0", "inf", "-inf", "nan", "1" * 50, "sekund"):
        with pytest.raises(argparse.ArgumentTypeError):
            seconds(bad)


def test_from_the_command_line_the_answer_is_a_message_not_a_traceback(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "samverkan.cli", "send_reminders", "--days", HUGE],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"SAMVERKAN_DATA": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2
    assert "--days" in done.stderr and "heltal" in done.stderr
    assert "Traceback" not in done.stderr
