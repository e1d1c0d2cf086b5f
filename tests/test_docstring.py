"""The shared docstring fragments (skzsl.utils._docstring)."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from skzsl.attention import MSDNClassifier
from skzsl.embedding import ESZSLClassifier
from skzsl.generative import SDDNClassifier
from skzsl.utils._docstring import FRAGMENTS, fill_doc


def test_fragments_are_substituted_and_nested():
    @fill_doc(local="    local : int\n        Mine; see below.\n%(device)s")
    class Documented:
        """Summary.

        Parameters
        ----------
    %(local)s
    %(verbose)s
        """

    doc = Documented.__doc__
    assert "%(" not in doc
    assert "local : int" in doc
    assert FRAGMENTS["device"].strip("\n") in doc
    assert FRAGMENTS["verbose"].strip("\n") in doc


def test_unknown_fragment_is_an_error():
    with pytest.raises(ValueError, match="unknown docstring fragment '%\\(nope\\)s'"):
        @fill_doc
        class Broken:
            """%(nope)s"""


@pytest.mark.parametrize("cls", [ESZSLClassifier, SDDNClassifier, MSDNClassifier])
def test_estimators_explain_shared_parameters_once_and_the_same_way(cls):
    assert "%(" not in cls.__doc__
    assert FRAGMENTS["candidates"].strip("\n") in cls.__doc__


OPTIMIZED = textwrap.dedent("""
    import inspect, sys
    import skzsl
    from skzsl.datasets import make_zsl_classification
    from skzsl.embedding import ESZSLClassifier
    from skzsl.utils.discovery import all_estimators

    assert sys.flags.optimize == 2 and ESZSLClassifier.__doc__ is None
    estimators = all_estimators()
    for name, cls in estimators:
        required = [p for p in inspect.signature(cls).parameters.values()
                    if p.default is inspect.Parameter.empty]
        print(cls(ESZSLClassifier()) if required else cls())
    print(sorted({cls.__module__.split(".")[1] for _, cls in estimators}))
    print(skzsl.SDDNClassifier())   # the issue's command; skorch is imported by now
    data = make_zsl_classification(random_state=0)
    est = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    print(est.predict(data.X_test_unseen[:2]).shape)
""")


@pytest.mark.slow
def test_python_OO_strips_docstrings_and_skzsl_still_works():
    # python -OO sets every __doc__ to None; fill_doc and skorch's own docstring
    # builders read them when the estimators are imported
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run([sys.executable, "-OO", "-c", OPTIMIZED], capture_output=True,
                            text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "SDDNClassifier()" in lines and "MSDNClassifier()" in lines
    assert "TunedSeenBiasClassifierCV(estimator=ESZSLClassifier())" in lines
    assert lines[-3:] == ["['attention', 'embedding', 'feature_extraction', 'generative', "
                          "'model_selection']",
                          "SDDNClassifier()", "(2,)"]
