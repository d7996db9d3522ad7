from __future__ import annotations

import re

from tenure.schema import TABLES
from tests.conftest import ROOT


def test_every_table_and_column_is_documented_when_data_model_page_is_read() -> None:
    text = (ROOT / "docs" / "data-model.md").read_text(encoding="utf-8")
    for spec in TABLES.values():
        assert f"## `{spec.name}`" in text, spec.name
        for col in spec.columns:
            assert f"| `{col.name}` |" in text, f"{spec.name}.{col.name}"


def test_names_follow_conventions_when_columns_hold_times_or_money() -> None:
    for spec in TABLES.values():
        for col in spec.columns:
            if col.type == "TIMESTAMPTZ":
                assert col.name.endswith("_at"), col.name
            if col.type == "DATE":
                assert col.name.endswith("_on"), col.name
            if re.search(r"amount|total|subtotal", col.name) and col.type == "BIGINT":
                assert col.name.endswith("_minor"), col.name
        assert set(spec.key) <= set(spec.column_names)
