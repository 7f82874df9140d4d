"""CSV tables written by Arrow read back as pandas' `%.10g` CSV did, value for value."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from simulator.csv_tables import significant, write_csv


@pytest.mark.parametrize("digits", [6, 8, 10])
def test_significant_digits_are_printf_s(digits):
    rng = np.random.default_rng(digits)
    values = rng.lognormal(3, 6, 20_000) * np.where(rng.random(20_000) < 0.5, -1, 1)
    values[:6] = [0.0, -0.0, 1000.0, 1e-12, 123456789012345.0, 0.1]
    expected = np.array([float(f"{v:.{digits}g}") for v in values])
    np.testing.assert_array_equal(significant(values, digits), expected)
    special = significant(np.array([np.nan, np.inf, -np.inf, 0.0]), digits)
    assert np.isnan(special[0]) and list(special[1:]) == [np.inf, -np.inf, 0.0]


def test_a_table_reads_back_as_the_printf_csv(tmp_path):
    rng = np.random.default_rng(3)
    table = pd.DataFrame({"territory": ["Brussels", "a, b", 'say "x"', "Liège"] * 25, "year": np.arange(100) + 2026,
                          "amount_eur": rng.normal(0, 1e6, 100) / 3, "share": rng.random(100) / 7,
                          "paid": [True, False] * 50, "note": [None, "n"] * 50})
    table.loc[3, "amount_eur"] = np.nan
    write_csv(table, tmp_path / "t.csv")
    back, before = pd.read_csv(tmp_path / "t.csv"), pd.read_csv(io.StringIO(table.to_csv(index=False, float_format="%.10g")))
    pd.testing.assert_frame_equal(back, before)
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").splitlines()[1].startswith('"Brussels",2026,')
    assert not (back["amount_eur"] == table["amount_eur"]).iloc[:3].all()  # rounded: ten digits, not every bit
