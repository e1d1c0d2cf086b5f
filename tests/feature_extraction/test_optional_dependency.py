"""torchvision is optional (the `vision` extra): skzsl imports without it and names the extra."""

import subprocess
import sys

import pytest

WITHOUT_TORCHVISION = """
import sys
sys.modules["torchvision"] = None  # what an environment without it looks like to imports
import numpy as np
import skzsl, skzsl.cli, skzsl.attention
from skzsl.feature_extraction import ImageFeatureExtractor
ext = ImageFeatureExtractor(verbose=0)
try:
    ext.fit(np.zeros((1, 8, 8), np.uint8))
except ImportError as exc:
    print(exc)
else:
    raise SystemExit("no ImportError")
"""


@pytest.mark.slow
def test_imports_without_torchvision_and_names_the_extra_when_used():
    done = subprocess.run([sys.executable, "-c", WITHOUT_TORCHVISION], capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr
    assert 'pip install "skzsl[vision]"' in done.stdout

