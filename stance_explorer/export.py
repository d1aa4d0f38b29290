"""Safe exports: CSV whose cells cannot run as spreadsheet formulas."""

from __future__ import annotations

import pandas as pd

from stance_explorer import schema as S

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralize_cell(value: object) -> object:
    """Prefix a formula-looking string with an apostrophe so spreadsheets show it as text.

    Args:
        value: A cell; only strings change.

    Returns:
        The value, with "'" in front when it starts with one of FORMULA_PREFIXES.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads accents right) with every text cell neutralized.

    Args:
        frame: The table to export.

    Returns:
        The CSV bytes, dates as YYYY-MM-DD, no index.
    """
    out = frame.copy()
    if S.DATE in out and pd.api.types.is_datetime64_any_dtype(out[S.DATE]):
        out[S.DATE] = out[S.DATE].dt.strftime("%Y-%m-%d")
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(neutralize_cell)
    out.columns = [str(neutralize_cell(str(c))) for c in out.columns]
    return out.to_csv(index=False).encode("utf-8-sig")


def statements_for_export(frame: pd.DataFrame) -> pd.DataFrame:
    """The statements table as a user would want it back: schema columns and pass-through columns.

    Args:
        frame: A statements table.

    Returns:
        The table without the trace columns.
    """
    return frame.drop(columns=[c for c in S.TRACE_COLUMNS if c in frame.columns])
