"""Every ```python block of README.md runs on its own and prints what it says it prints.

Each block runs in a fresh namespace, so a block that leans on a name defined in
another one fails here. A block that loads the xlsa17 benchmark is skipped when
the data are not at hand (``SKZSL_DATA`` unset or empty). The README's two
examples are checked against what their text and comments promise.
"""

import ast
import contextlib
import io
import os
import re
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
# section title (the "## " heading above the block) -> its ```python blocks
SECTIONS = {}
for section in re.split(r"^## ", README.read_text(), flags=re.M)[1:]:
    title = section.splitlines()[0].strip()
    SECTIONS[title] = re.findall(r"^```python\n(.*?)^```$", section, re.M | re.S)
BLOCKS = [(title, code) for title, codes in SECTIONS.items() for code in codes]


def _check_quick_start(lines):
    # print(clf.unseen_classes_)  # [3 7 9]; then ten predictions for unseen test samples
    assert len(lines) == 2
    assert lines[0] == "[3 7 9]"
    predicted = np.array(lines[1].strip("[]").split(), dtype=int)
    assert predicted.shape == (10,)
    assert set(predicted) <= {3, 7, 9}, "the unseen test samples are not predicted unseen"


def _check_model_selection(lines):
    # the chosen hyperparameters (from the grid) and seen bias; then ZSL T1, S, U, H, AUSUC
    assert len(lines) == 2
    params, bias = re.fullmatch(r"(\{.*\}) seen_bias: (\S+)", lines[0]).groups()
    params = ast.literal_eval(params)
    assert set(params) == {"estimator__feature_reg", "estimator__semantic_reg"}
    assert all(value in (0.1, 1, 10) for value in params.values())
    assert float(bias) >= 0
    scores = ast.literal_eval(lines[1])
    assert set(scores) == {"zsl", "seen", "unseen", "harmonic", "ausuc"}
    assert all(0 <= value <= 1 for value in scores.values())
    s, u = scores["seen"], scores["unseen"]
    assert scores["harmonic"] == pytest.approx(2 * s * u / (s + u), abs=2e-3)  # rounded to 3


# what each section's block promises to print
CHECKS = {"Quick start": _check_quick_start,
          "Model selection without the test set": _check_model_selection}


def test_readme_has_the_promised_python_blocks():
    # one block in each of the sections that promise one, and no block left unchecked
    with_blocks = {title: len(codes) for title, codes in SECTIONS.items() if codes}
    assert with_blocks == {title: 1 for title in CHECKS}


@pytest.mark.parametrize("title, code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs_alone_and_prints_what_it_promises(title, code):
    if "load_xlsa17" in code and not os.environ.get("SKZSL_DATA"):
        pytest.skip("needs the xlsa17 data (set SKZSL_DATA)")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})
    lines = out.getvalue().strip().splitlines()
    assert lines, "the block prints nothing; show what it computes"
    if title in CHECKS:
        CHECKS[title](lines)
