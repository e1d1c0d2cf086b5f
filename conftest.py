"""pytest configuration for the tests and the doctests of the package.

The models in tests and docstring examples are tiny: torch's intra-op threads
cost more than they save there (a fit took 3.7 s instead of 0.27 s with the
default thread count on a 2-core machine), so one thread.

Tests that train the neural estimators are marked ``slow`` (registered in
``pyproject.toml``); ``pytest -m "not slow"`` is the fast subset for
contributors, CI runs everything. The tests of ``tests/generative`` and
``tests/attention`` all train networks, so they get the mark here, by folder.
"""

from pathlib import Path

import pytest
import torch

torch.set_num_threads(1)

_SLOW_FOLDERS = {"generative", "attention"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = Path(str(item.path)).parts
        if "tests" in parts and _SLOW_FOLDERS.intersection(parts[parts.index("tests"):]):
            item.add_marker(pytest.mark.slow)
