"""The API reference lists every public name, and every public docstring has an example.

Cheap checks on the sources, no Sphinx build: ``docs/api.rst`` is read as text.
"""

import importlib
import inspect
import re
from pathlib import Path

import pytest

API_RST = Path(__file__).resolve().parents[1] / "docs" / "api.rst"

# Modules whose ``__all__`` is the public API; skzsl.nn is the developer API.
PUBLIC_MODULES = [
    "skzsl",
    "skzsl.base",
    "skzsl.semantics",
    "skzsl.embedding",
    "skzsl.generative",
    "skzsl.attention",
    "skzsl.metrics",
    "skzsl.model_selection",
    "skzsl.datasets",
    "skzsl.feature_extraction",
    "skzsl.utils",
    "skzsl.utils.estimator_checks",
    "skzsl.cli",
]
DEVELOPER_MODULES = [
    "skzsl.nn.generative",
    "skzsl.nn.generative_losses",
    "skzsl.nn.generative_terms",
    "skzsl.nn.attention",
    "skzsl.nn.attention_losses",
    "skzsl.nn.vision",
]


def _import(name):
    return importlib.import_module(name)


def _public(module_names):
    for module_name in module_names:
        module = _import(module_name)
        for name in getattr(module, "__all__", []):
            if not name.startswith("__"):
                yield module_name, name, getattr(module, name)


def _documented_objects():
    """Every object api.rst names, in autosummary lists or ``.. data::``, resolved."""
    text = API_RST.read_text()
    objects = []
    for dotted in re.findall(r"^\s+((?:[a-z_]+\.)+[A-Za-z_][A-Za-z0-9_]*)\s*$", text, re.M):
        module_name, _, attr = f"skzsl.{dotted}".rpartition(".")
        objects.append((f"skzsl.{dotted}", module_name, attr))
    for dotted in re.findall(r"^\.\. data:: ((?:\w+\.)+\w+)", text, re.M):
        module_name, _, attr = dotted.rpartition(".")
        objects.append((dotted, module_name, attr))
    return objects


@pytest.mark.parametrize("module_name", PUBLIC_MODULES + DEVELOPER_MODULES)
def test_api_reference_lists_every_public_name(module_name):
    documented = []
    for _, mod, attr in _documented_objects():
        try:
            documented.append(getattr(importlib.import_module(mod), attr))
        except (ImportError, AttributeError):
            continue
    missing = [f"{module_name}.{name}" for _, name, obj in _public([module_name])
               if not any(obj is d for d in documented)]
    assert not missing, f"add to docs/api.rst: {missing}"


def test_api_reference_names_exist():
    unknown = []
    for dotted, mod, attr in _documented_objects():
        try:
            getattr(importlib.import_module(mod), attr)
        except (ImportError, AttributeError):
            unknown.append(dotted)
    assert not unknown, f"docs/api.rst names objects that do not exist: {unknown}"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_public_docstrings_have_examples(module_name):
    without = [f"{module_name}.{name}" for _, name, obj in _public([module_name])
               if (inspect.isclass(obj) or inspect.isfunction(obj))
               and not re.search(r"^Examples\n--------$", inspect.getdoc(obj) or "", re.M)]
    assert not without, f"docstrings without an Examples section: {without}"


DOC_PAGES = sorted(p for p in (API_RST.parent).rglob("*.rst")
                   if "_build" not in p.parts and "generated" not in p.parts
                   and "auto_examples" not in p.parts and ">>>" in p.read_text())


@pytest.mark.parametrize("page", DOC_PAGES, ids=lambda p: str(p.relative_to(API_RST.parent)))
def test_doc_pages_doctests(page):
    import doctest

    result = doctest.testfile(str(page), module_relative=False, report=True,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} doctest failures in {page.name}"
