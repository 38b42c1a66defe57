"""Reading CSV files that people export from spreadsheets: UTF-8 (with or without BOM)
or Windows-1251, separated by semicolons, commas or tabs. Rows are numbered as a
spreadsheet shows them: the header is row 1."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

TRUE = {"1", "true", "yes", "y", "да", "д", "+", "x"}
FALSE = {"0", "false", "no", "n", "нет", "н", "-", ""}


class CsvError(ValueError):
    def __init__(self, message: str, row: int = 1) -> None:
        super().__init__(message)
        self.row = row


@dataclass(frozen=True)
class CsvRow:
    number: int
    values: dict[str, str]


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvError("the file is neither UTF-8 nor Windows-1251 text")


def read_rows(data: bytes) -> tuple[list[str], list[CsvRow]]:
    """The header's column names (stripped, lower-cased) and the non-empty data rows."""
    text = decode(data)
    if "\x00" in text:
        raise CsvError("the file is not text (it has NUL bytes)")
    if not text.strip():
        raise CsvError("the file is empty")
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [name.strip().lower() for name in next(reader)]
    if len(set(header)) != len(header):
        raise CsvError("a column name repeats")
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise CsvError(f"{len(cells)} values for {len(header)} columns", number)
        rows.append(CsvRow(number, {name: cell.strip() for name, cell in zip(header, cells)}))
    if not rows:
        raise CsvError("the file has a header but no rows", 2)
    return header, rows


def flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValueError(f"{value!r} is not yes/no (1/0, да/нет)")
