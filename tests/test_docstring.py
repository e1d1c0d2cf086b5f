"""The shared docstring fragments (skzsl.utils._docstring)."""

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
