"""The one way an .xlsx leaves the system: `workbook_bytes(wb)`.

Text typed by people (a title, a comment, a name) that begins with `=`, `+`, `-` or `@` would
become a live formula in Excel/WPS (`=HYPERLINK(...)`, `=cmd|...`): every such cell is written
as plain text, exactly as typed. Numbers and dates are untouched."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formulas(wb: Workbook) -> int:
    """Make every text cell that could be read as a formula a text cell; returns how many."""
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                    cell.value = value
                    cell.data_type = TYPE_STRING
                    cell.quotePrefix = True  # Excel/WPS keep it text even when the cell is edited
                    n += 1
    return n


def workbook_bytes(wb: Workbook) -> bytes:
    escape_formulas(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
