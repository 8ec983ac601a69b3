"""Safe tabular exports: CSV and XLSX cells that a spreadsheet would run as formulas are
escaped (OWASP "CSV injection"), for every export of the platform."""

from __future__ import annotations

import csv
import io

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """Prefix text that a spreadsheet would evaluate with an apostrophe.

    Numbers stay numbers: only strings are escaped, so "-5" typed as text is escaped while
    the number -5 is not.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv(header: list[str], rows) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([escape_cell(v) for v in row])
    # UTF-8 with BOM and semicolons: what Swedish Excel opens correctly by double-click.
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], rows, title: str = "Export", sheets=()) -> bytes:
    """One sheet of ``header`` and ``rows``, then one per ``(title, header, rows)`` of
    ``sheets``; every text cell escaped."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = title[:31]
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([escape_cell(v) for v in row])
    ws.freeze_panes = "A2"
    for more_title, more_header, more_rows in sheets:
        more = wb.create_sheet(more_title[:31])
        more.append(more_header)
        for cell in more[1]:
            cell.font = Font(bold=True)
        for row in more_rows:
            more.append([escape_cell(v) for v in row])
        more.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
