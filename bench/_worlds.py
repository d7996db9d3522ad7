"""Demo worlds the benchmarks share, generated once into ``bench/out`` and reused."""

from __future__ import annotations

from pathlib import Path


def demo_world(
    customers: int, months: int, seed: int, workdir: Path, *, prefix: str = "risk"
) -> Path:
    """``<workdir>/<prefix>-<customers>-m<months>-s<seed>``: a demo workspace, made if missing.

    A ``ready`` file marks a world whose generation and ingestion finished.
    """
    from tenure import Workspace

    root = workdir / f"{prefix}-{customers}-m{months}-s{seed}"
    if not (root / "ready").exists():
        with Workspace.init(root) as ws:
            ws.create_demo(customers=customers, months=months, seed=seed)
        (root / "ready").write_text("ok")
    return root
