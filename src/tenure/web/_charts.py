"""plotly.js figures as plain dicts (``{"data": [...], "layout": {...}}``).

The server builds each figure from a Workspace result; ``static/tenure.js`` hands it to
``Plotly.newPlot``. No Python plotly is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["COLORS", "figure", "heatmap"]

COLORS = {
    "new": "#2b59c3",
    "expansion": "#5b8def",
    "reactivation": "#8fb3f5",
    "contraction": "#f0a35e",
    "churn": "#d04f3c",
    "net": "#1d2430",
    "line": "#2b59c3",
}
PALETTE = ["#2b59c3", "#d04f3c", "#1a7f4b", "#b5790b", "#7b4fc9", "#0f8b8d", "#c2417c", "#5d6778"]


def figure(
    data: Sequence[dict[str, Any]],
    *,
    title: str = "",
    y_title: str = "",
    y_format: str = "",
    barmode: str | None = None,
    height: int = 340,
    x_type: str | None = None,
) -> dict[str, Any]:
    """A figure with Tenure's layout: small margins, legend below, no toolbar."""
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 14}, "x": 0, "xanchor": "left"},
        "height": height,
        "margin": {"l": 56, "r": 16, "t": 36 if title else 12, "b": 40},
        "legend": {"orientation": "h", "y": -0.18},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "system-ui, sans-serif", "size": 12, "color": "#1d2430"},
        "yaxis": {"title": {"text": y_title}, "gridcolor": "#e6e9ef", "tickformat": y_format},
        "xaxis": {"gridcolor": "#f0f2f6"},
        "hovermode": "x unified",
        "colorway": PALETTE,
    }
    if x_type:
        layout["xaxis"]["type"] = x_type
    if barmode:
        layout["barmode"] = barmode
    return {"data": list(data), "layout": layout}


def heatmap(
    *,
    x: Sequence[Any],
    y: Sequence[Any],
    z: Sequence[Sequence[float | None]],
    text: Sequence[Sequence[str]],
    title: str,
    x_title: str,
    y_title: str,
) -> dict[str, Any]:
    """A retention heatmap: rows are cohorts, columns periods since start; hover shows text.

    The colours span the values shown (at most 0-100% for shares that cannot exceed it),
    so the differences between cohorts stay visible.
    """
    values = [v for row in z for v in row if v is not None]
    low = min([*values, 1.0])
    high = max([*values, 1.0])
    trace = {
        "type": "heatmap",
        "x": list(x),
        "y": list(y),
        "z": [list(row) for row in z],
        "text": [list(row) for row in text],
        "hovertemplate": "%{text}<extra></extra>",
        "colorscale": [[0, "#fbe3dc"], [0.5, "#f2c46d"], [1, "#1a7f4b"]],
        "zmin": low,
        "zmax": high,
        "colorbar": {"tickformat": ".0%", "thickness": 10},
        "xgap": 1,
        "ygap": 1,
    }
    layout: dict[str, Any] = {
        "title": {"text": title, "font": {"size": 14}, "x": 0, "xanchor": "left"},
        "height": max(260, 22 * len(y) + 90),
        "margin": {"l": 70, "r": 16, "t": 36, "b": 48},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "system-ui, sans-serif", "size": 12, "color": "#1d2430"},
        "xaxis": {"title": {"text": x_title}, "dtick": 1},
        "yaxis": {"title": {"text": y_title}, "autorange": "reversed", "type": "category"},
    }
    return {"data": [trace], "layout": layout}
