"""Shared fixtures: the repository root, the command-line binary, the flagship model."""

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _binary() -> Path:
    """The `supplygraph` binary: $SUPPLYGRAPH_BIN, else the root crate's debug or release
    build, else built here with cargo (CI has built it already for `cargo test`)."""
    given = os.environ.get("SUPPLYGRAPH_BIN")
    if given:
        return Path(given)
    for profile in ("debug", "release"):
        p = ROOT / "target" / profile / "supplygraph"
        if p.exists():
            return p
    subprocess.run(["cargo", "build", "--bin", "supplygraph"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "supplygraph"


@pytest.fixture(scope="session")
def cli():
    """Runs the command line; returns (exit code, stdout, stderr)."""
    binary = _binary()

    def run(*args: str):
        p = subprocess.run([str(binary), *args], cwd=ROOT, capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr

    return run


@pytest.fixture(scope="session")
def cli_json(cli):
    """`supplygraph query --format json [--model M] Q`, parsed."""

    def run(query: str, model=None):
        args = ["query", "--format", "json"]
        if model is not None:
            args += ["--model", str(model)]
        code, out, err = cli(*args, query)
        assert code == 0, err
        return json.loads(out)

    return run


@pytest.fixture(scope="session")
def flagship():
    import supplygraph

    return supplygraph.load()
