"""The apps depend one way (ARCHITECTURE.md): import-linter's layers contract in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
APPS = [p.parent.name for p in ROOT.glob("*/apps.py")]


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    """The apps' Python files and the contract, to add an import to without touching the tree."""
    for app in APPS:
        shutil.copytree(
            ROOT / app,
            tmp_path / app,
            ignore=shutil.ignore_patterns("templates", "static", "__pycache__"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_apps_keep_the_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_import_up_the_layers_breaks_the_contract(tree_copy: Path):
    module = tree_copy / "cases" / "selectors.py"
    module.write_text(module.read_text() + "\nimport compliance.pack  # noqa: E402, F401\n")

    result = lint_imports(tree_copy)

    assert result.returncode != 0
    assert "cases is not allowed to import compliance" in result.stdout


def test_an_import_hidden_in_a_function_is_seen_too(tree_copy: Path):
    module = tree_copy / "entitlements" / "calendar.py"
    module.write_text(
        module.read_text() + "\n\ndef _hidden():\n    from referrals import models  # noqa: F401\n"
    )

    result = lint_imports(tree_copy)

    assert result.returncode != 0
    assert "entitlements is not allowed to import referrals" in result.stdout


def test_no_app_imports_the_tools_on_top(tree_copy: Path):
    # The demo data and the benchmark sit above every app, so a domain app never needs them.
    module = tree_copy / "compliance" / "pack.py"
    module.write_text(module.read_text() + "\nimport tools.demo.cases  # noqa: E402, F401\n")

    result = lint_imports(tree_copy)

    assert result.returncode != 0
    assert "compliance is not allowed to import tools" in result.stdout
