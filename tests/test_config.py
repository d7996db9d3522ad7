from __future__ import annotations

from pathlib import Path

import pytest

from tenure.config import Settings
from tenure.errors import ConfigError


def test_defaults_put_the_warehouse_in_the_workspace_when_no_file_exists(tmp_path: Path) -> None:
    s = Settings.load(tmp_path)
    assert s.warehouse_url() == f"duckdb://{tmp_path.resolve() / 'warehouse.duckdb'}"
    assert s.reporting_currency == "USD"


def test_unknown_key_names_file_line_and_field_when_misspelt(tmp_path: Path) -> None:
    (tmp_path / "tenure.toml").write_text(
        'reporting_currency = "EUR"\n\n[warehouse]\nurll = "duckdb://x.duckdb"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        Settings.load(tmp_path)
    loc = info.value.location
    assert loc is not None and (loc.line, loc.field) == (4, "warehouse.urll")
    assert "not known" in str(info.value)


def test_bad_currency_is_rejected_when_not_iso(tmp_path: Path) -> None:
    (tmp_path / "tenure.toml").write_text('reporting_currency = "EUX"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="ISO 4217") as info:
        Settings.load(tmp_path)
    assert info.value.location is not None and info.value.location.line == 1


def test_environment_overrides_file_when_tenure_variable_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tenure.toml").write_text('reporting_currency = "EUR"\n', encoding="utf-8")
    monkeypatch.setenv("TENURE_REPORTING_CURRENCY", "gbp")
    monkeypatch.setenv("TENURE_WAREHOUSE__URL", "postgres://tenure@localhost/warehouse")
    s = Settings.load(tmp_path)
    assert s.reporting_currency == "GBP"
    assert s.warehouse_url() == "postgres://tenure@localhost/warehouse"


def test_url_without_scheme_is_rejected_when_configured(tmp_path: Path) -> None:
    (tmp_path / "tenure.toml").write_text(
        '[warehouse]\nurl = "warehouse.duckdb"\n', encoding="utf-8"
    )
    with pytest.raises(ConfigError, match="connection URL"):
        Settings.load(tmp_path)
