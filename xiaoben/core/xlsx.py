"""The one way an .xlsx leaves the system: `workbook_bytes(wb)`.

Text typed by people (a title, a comment, a name) that begins with `=`, `+`, `-` or `@` would
become a live formula in Excel/WPS (`=HYPERLINK(...)`, `=cmd|...`): every such cell is written
as plain text, exactly as typed. Numbers and dates are untouched.

Long lists (the term archive's statistics: thousands of rows) are written with a write-only
workbook, row by row in constant memory: `write_only_workbook()`, then `append_row(ws, values)`,
which makes the same formula-looking text plain text as it is written."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import cell as _cell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils.exceptions import IllegalCharacterError

_check_string = _cell.Cell.check_string


def _check_string_dropping_controls(self: _cell.Cell, value: Any) -> Any:
    """Control characters (which openpyxl refuses with an exception, failing the whole export)
    are dropped: a name pasted with a stray control character still exports."""
    try:
        return _check_string(self, value)
    except IllegalCharacterError:
        return _check_string(self, _cell.ILLEGAL_CHARACTERS_RE.sub("", value))


_cell.Cell.check_string = _check_string_dropping_controls  # a patch of openpyxl, on purpose

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


def write_only_workbook() -> Workbook:
    return Workbook(write_only=True)


def cell(
    ws: Any, value: Any, *, font: Any = None, number_format: str | None = None, alignment: Any = None, fill: Any = None
) -> Any:  # openpyxl sheets and styles are untyped
    """A styled cell for a write-only sheet (`append_row` takes it as a value)."""
    from openpyxl.cell import WriteOnlyCell

    c = WriteOnlyCell(ws, value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        c.data_type = TYPE_STRING
        c.quotePrefix = True
    if font is not None:
        c.font = font
    if number_format:
        c.number_format = number_format
    if alignment is not None:
        c.alignment = alignment
    if fill is not None:
        c.fill = fill
    return c


def append_row(ws: Any, values: Iterable[Any]) -> None:
    """ws.append for a write-only sheet, with text that would be read as a formula kept as text."""
    ws.append([cell(ws, v) if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v for v in values])


def workbook_bytes(wb: Workbook) -> bytes:
    if not wb.write_only:  # a write-only sheet's rows were made safe by append_row as they were written
        escape_formulas(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
