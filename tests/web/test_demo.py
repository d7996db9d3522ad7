"""``tenure demo`` serves its own workspace: the demo folder is also a deployment of itself."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

from tenure.cli.serve import DEMO_EMAIL, demo_login
from tenure.workspace import Deployment


def test_demo_login_makes_the_demo_workspace_a_tenant_of_itself(
    demo_world: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "tenure-demo"
    shutil.copytree(demo_world, folder)
    email, first = demo_login(folder)
    email, second = demo_login(folder)  # again: the same tenant, a new password
    assert email == DEMO_EMAIL and first != second
    settings = tomllib.loads((folder / "tenure.toml").read_text(encoding="utf-8"))
    assert settings["server"]["warm_up"] is True
    with Deployment.open(folder) as deployment:
        [tenant] = deployment.tenants()
        assert (tenant.slug, tenant.folder) == ("demo", ".")
        assert deployment.login(email, first) is None
        new = deployment.login(email, second)
        assert new is not None
        assert [t.slug for t in deployment.user_tenants(new.session.user)] == ["demo"]
        with deployment.workspace(tenant) as ws:
            assert ws.counts()["customers"] == 300
