"""The benchmarks: one runner, every benchmark importable and its --help working,
no private skzsl name imported and no skzsl class subclassed (the benchmarks use the
public API)."""

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "benchmarks"

pytest.importorskip("torch")

from benchmarks.__main__ import BENCHMARKS  # noqa: E402


def _env():
    return dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]))


def _private_imports(path):
    """``module.name`` of every skzsl import in ``path`` that names something private."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "skzsl"
                      and any(part.startswith("_") for part in alias.name.split("."))}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "skzsl":
            private_module = any(part.startswith("_") for part in node.module.split("."))
            found |= {f"{node.module}.{alias.name}" for alias in node.names
                      if private_module or alias.name.startswith("_")}
    return found


def test_every_benchmark_module_is_listed_and_imports():
    helpers = {"__init__", "__main__", "common", "standins", "region_standin"}
    modules = {p.stem for p in BENCH.glob("*.py")} - helpers
    assert modules == set(BENCHMARKS)
    for name in [*BENCHMARKS, *helpers - {"__init__"}]:
        module = importlib.import_module(f"benchmarks.{name}")
        assert name in helpers or callable(module.main)


def _skzsl_subclasses(path):
    """Classes of ``path`` that subclass a name imported from skzsl (or ``skzsl.<...>``)."""
    tree = ast.parse(path.read_text())
    imported = {alias.asname or alias.name for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                and node.module.split(".")[0] == "skzsl" for alias in node.names}
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)
            and any(isinstance(base, ast.Name) and base.id in imported
                    or ast.unparse(base).startswith("skzsl.") for base in node.bases)}


def test_no_private_skzsl_import_no_subclass_and_no_sys_path_edit():
    # the benchmarks, the white-box parity scripts included, use the public API only
    for path in sorted(BENCH.glob("*.py")):
        assert _private_imports(path) == set(), path.name
        assert _skzsl_subclasses(path) == set(), path.name
        assert "sys.path" not in path.read_text(), path.name


def test_runner_lists_every_benchmark():
    out = subprocess.run([sys.executable, "-m", "benchmarks", "--help"], cwd=REPO,
                         env=_env(), capture_output=True, text=True, check=True).stdout
    for name in BENCHMARKS:
        assert f"\n  {name} " in out
    bad = subprocess.run([sys.executable, "-m", "benchmarks", "no_such_benchmark"], cwd=REPO,
                         env=_env(), capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown benchmark" in bad.stderr


def test_every_benchmark_help():
    # one process for all (each --help would import torch again): the runner's dispatch
    script = (
        "import contextlib, io, sys\n"
        "from benchmarks.__main__ import BENCHMARKS, main\n"
        "for name in BENCHMARKS:\n"
        "    buf = io.StringIO()\n"
        "    with contextlib.redirect_stdout(buf):\n"
        "        try:\n"
        "            main([name, '--help'])\n"
        "        except SystemExit as e:\n"
        "            assert e.code in (0, None), (name, e.code)\n"
        "    text = buf.getvalue()\n"
        "    assert text.startswith(f'usage: python -m benchmarks {name}'), (name, text[:80])\n"
        "    print(name, 'ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=_env(),
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [w for name in BENCHMARKS for w in (name, "ok")]


def test_the_public_api_check_finds_what_it_forbids(tmp_path):
    script = tmp_path / "bench.py"
    script.write_text("import skzsl.generative._base\n"
                      "from skzsl._training import seeded\n"
                      "from skzsl.generative import CLSWGANClassifier, _private\n"
                      "import skzsl.generative\n"
                      "class Probed(CLSWGANClassifier): pass\n"
                      "class Also(skzsl.generative.SDDNClassifier): pass\n"
                      "class Fine(object): pass\n")
    assert _private_imports(script) == {"skzsl.generative._base", "skzsl._training.seeded",
                                        "skzsl.generative._private"}
    assert _skzsl_subclasses(script) == {"Probed", "Also"}
