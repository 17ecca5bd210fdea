"""kenmu installs as a package: `pip install .` and `pip install -e .` give a `matching` command, the wheel
carries what the web app reads at run time (templates, vendored assets, the English catalogue, migrations),
and tests/ and benchmarks/ stay out of site-packages.

What is tested is building and installing kenmu itself, so each fresh virtualenv takes its dependencies
from this one (a .pth line) instead of downloading OR-Tools again, and pip runs with --no-deps
--no-build-isolation --no-index: the build uses the locked setuptools, and nothing is fetched.
"""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow

# A source tree as a checkout has it, copied so that the build writes nothing into the worktree. tests/ and
# benchmarks/ come along because they hold __init__.py files: the package discovery must leave them out.
SOURCES = ["pyproject.toml", "README.md", "backend", "frontend", "matching", "tests", "benchmarks"]
RUNTIME_DATA = [
    "frontend/templates/frontend/dashboard.html",
    "frontend/templates/404.html",
    "frontend/static/frontend/vendor/htmx.min.js",
    "frontend/static/frontend/app.css",
    "backend/locale/en/LC_MESSAGES/django.mo",
    "backend/needs/migrations/0001_initial.py",
]


def _copy_source(target: Path) -> Path:
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "build")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=ignore)
        else:
            shutil.copy2(source, target / name)
    return target


def _fresh_venv(path: Path) -> tuple[Path, Path]:
    """A virtualenv without pip or setuptools of its own; it sees this one's packages after its own."""
    venv.EnvBuilder(with_pip=False).create(path)
    python = path / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "kenmu_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python, site


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE")}
    return {**env, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def _pip_install(python: Path, *args: str, cwd: Path) -> None:
    done = subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", *args],
                          cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr


def _matching_help(venv_dir: Path, cwd: Path) -> str:
    done = subprocess.run([venv_dir / "bin" / "matching", "--help"], cwd=cwd, env=_clean_env(),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _where(python: Path, module: str, cwd: Path) -> Path:
    done = subprocess.run([python, "-c", f"import {module}; print({module}.__file__)"], cwd=cwd,
                          env=_clean_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return Path(done.stdout.strip()).parent


def test_pip_install_gives_a_matching_command_and_the_files_the_web_reads(tmp_path):
    source = _copy_source(tmp_path / "src")
    python, site = _fresh_venv(tmp_path / "venv")
    _pip_install(python, str(source), cwd=tmp_path)

    usage = _matching_help(tmp_path / "venv", cwd=tmp_path)
    assert all(command in usage for command in ("solve", "check", "generate", "bench"))
    assert _where(python, "matching", cwd=tmp_path) == site / "matching"  # the installed copy, not the source
    missing = [name for name in RUNTIME_DATA if not (site / name).is_file()]
    assert not missing, f"not in the wheel: {missing}"
    assert not (site / "tests").exists() and not (site / "benchmarks").exists()


def test_editable_install_runs_the_source_tree(tmp_path):
    source = _copy_source(tmp_path / "src")
    python, site = _fresh_venv(tmp_path / "venv")
    _pip_install(python, "--editable", str(source), cwd=tmp_path)

    assert "solve" in _matching_help(tmp_path / "venv", cwd=tmp_path)
    assert _where(python, "matching", cwd=tmp_path) == source / "matching"
    assert _where(python, "frontend", cwd=tmp_path) == source / "frontend"
    assert not (site / "matching").exists()


def test_every_imported_third_party_package_is_declared():
    """An import that pyproject.toml does not declare works here only because something else pulled it in."""
    import ast
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {_distribution_name(r) for r in project["dependencies"]}
    declared |= {_distribution_name(r) for extra in project["optional-dependencies"].values() for r in extra}
    own = {"backend", "frontend", "matching", "tests", "benchmarks", "kenmu", "manage"}
    imported = set()
    for folder in ("backend", "frontend", "matching", "benchmarks", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    imported |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - own
    undeclared = {module for module in third_party if not declared & _distributions_of(module)}
    assert not undeclared, f"imported but not declared in pyproject.toml: {sorted(undeclared)}"


def _distribution_name(requirement: str) -> str:
    return _normalise(re.match(r"[A-Za-z0-9._-]+", requirement).group())


def _normalise(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _distributions_of(module: str) -> set[str]:
    from importlib.metadata import packages_distributions

    return {_normalise(name) for name in packages_distributions().get(module, [])}
