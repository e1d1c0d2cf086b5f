"""Let skorch import under ``python -OO``, which strips every docstring.

skorch (1.4 and earlier) builds the docstrings of ``NeuralNetClassifier`` and
``NeuralNetRegressor`` from ``NeuralNet.__doc__`` when ``skorch`` is imported,
and fails when it is ``None``. Under ``-OO`` only, and only if skorch is not
imported yet, :func:`allow_skorch_without_docstrings` gives ``NeuralNet`` a
short stand-in docstring as soon as ``skorch.net`` is loaded, before the rest of
skorch reads it. Nothing else changes, and nothing at all without ``-OO``.
"""

import sys
from importlib.abc import MetaPathFinder
from importlib.machinery import PathFinder

__all__ = ["allow_skorch_without_docstrings"]

# the shape skorch's docstring builders parse: five lines, then an indented
# "criterion" entry with one line under it
STAND_IN = """NeuralNet (docstrings are stripped by python -OO)




    criterion : torch criterion
      See skorch's documentation.
"""


class _SkorchNetFinder(MetaPathFinder):
    """Finds ``skorch.net`` as usual and sets ``NeuralNet.__doc__`` once it is loaded."""

    def find_spec(self, name, path, target=None):
        if name != "skorch.net":
            return None
        spec = PathFinder.find_spec(name, path, target)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_with_docstring(module):
            exec_module(module)
            if module.NeuralNet.__doc__ is None:
                module.NeuralNet.__doc__ = STAND_IN

        spec.loader.exec_module = exec_with_docstring
        return spec


def allow_skorch_without_docstrings():
    """Under ``python -OO``, let a later ``import skorch`` succeed (see the module docstring)."""
    if sys.flags.optimize < 2 or "skorch" in sys.modules:
        return
    if not any(isinstance(finder, _SkorchNetFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _SkorchNetFinder())
