"""The neural estimators before and after a redesign: same fits, same cost.

Runs the same generative fits with this checkout and with another one (``--old``, a checkout
of an earlier commit: ``git worktree add --detach <path> <commit>``), each in its own Python
process, and compares them.

``same``: twelve small configurations (CLSWGANClassifier, SDDNClassifier and
SemanticKDClassifier on each backbone, an early-stopped fit, MSDN and MSDN++ with every
loss term on), seeded alike; the largest
absolute difference of their raw class scores on test samples and of their per-epoch
training losses. 0 means the two codes compute the same thing to the bit. A checkout older
than the backbone objects (before issue #20) is driven through its former parameters
(``backbone="fvaegan", hidden_dim=...``); f-CLSWGAN's ``L_CLS`` is off for SDDN and
semantic-KD, where the former code had none.

``cost``: one f-VAEGAN fit at SUN's official sizes (2048-d features, 102 attributes,
hidden 4096, one generator epoch and one classifier epoch on ``--samples`` samples), old and
new processes alternated ``--runs`` times each; CPU seconds (user + system) of each process
and the median of the pairwise new/old ratios.

Example::

    git worktree add --detach ../skzsl-68ac5cf 68ac5cf
    python -m benchmarks redesign same --old ../skzsl-68ac5cf
    python -m benchmarks redesign cost --old ../skzsl-68ac5cf --runs 4 --samples 600
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from .common import REPO, parser

# the child: one side's fits, written as JSON (argv: side, task, out, samples)
_CHILD = r'''
import json, sys, warnings
import numpy as np
warnings.filterwarnings("ignore")
import torch
torch.set_num_threads(1)
from skzsl import generative as G
from skzsl.datasets import make_zsl_classification

task, out, samples = sys.argv[1], sys.argv[2], int(sys.argv[3])
OBJECTS = hasattr(G, "FVAEGAN")  # the backbone objects of issue #20


def backbone(name, lcls=True, **params):
    if not OBJECTS:
        return dict(backbone=name, **params)
    cls = {"clswgan": G.CLSWGAN, "fvaegan": G.FVAEGAN, "tfvaegan": G.TFVAEGAN}[name]
    extra = {} if name != "clswgan" or lcls else {"classification_weight": 0.0}
    return dict(backbone=cls(**params, **extra))


def own(name, width):
    return {("hidden_dim" if OBJECTS else name): width}


if task == "same":
    d = make_zsl_classification(n_samples=300, random_state=0)
    common = dict(max_epochs=3, n_synthetic_per_class=20, classifier_max_epochs=5,
                  classifier_batch_size=32, classifier_lr=5e-2, verbose=0, random_state=0,
                  device="cpu")
    small = dict(hidden_dim=32, n_critic=2, batch_size=32, lr=1e-3)
    sddn = dict(embedding_dim=16, **({"latent_dim": 8} if OBJECTS else
                                     {"semantic_dim": 8, "residual_dim": 8}),
                **own("module_hidden_dim", 32))
    cases = {}
    for name in ("clswgan", "fvaegan", "tfvaegan"):
        cases[f"CLSWGANClassifier {name}"] = G.CLSWGANClassifier(
            d.class_attributes, **backbone(name, **small), **common)
        cases[f"SDDNClassifier {name}"] = G.SDDNClassifier(
            d.class_attributes, **backbone(name, False, **small), **sddn, **common)
        cases[f"SemanticKDClassifier {name}"] = G.SemanticKDClassifier(
            d.class_attributes, **backbone(name, False, **small),
            **own("regressor_hidden_dim", 32), **common)
    cases["CLSWGANClassifier fvaegan early stopping"] = G.CLSWGANClassifier(
        d.class_attributes, **backbone("fvaegan", **small), **{**common, "early_stopping": True})
    from skzsl.attention import MSDNClassifier, MSDNPlusPlusClassifier

    regions = make_zsl_classification(n_regions=3, random_state=0)
    for cls in (MSDNClassifier, MSDNPlusPlusClassifier):
        cases[cls.__name__] = cls(regions.class_attributes, max_epochs=3, batch_size=32,
                                  lr=1e-2, calibration_weight=0.3, regression_weight=0.5,
                                  verbose=0, random_state=0, device="cpu")
    result = {}
    for key, est in cases.items():
        data = regions if key.startswith("MSDN") else d
        est.fit(data.X_train, data.y_train)
        net = est.net_ if key.startswith("MSDN") else est.generator_net_
        result[key] = {
            "scores": np.concatenate([est.compatibility_scores(data.X_test_unseen),
                                      est.compatibility_scores(data.X_test_seen)]).tolist(),
            "losses": [float(row["train_loss"]) for row in net.history]}
else:
    import pandas as pd

    rng = np.random.default_rng(0)
    X = rng.random((samples, 2048))
    y = rng.integers(0, 80, samples)
    table = pd.DataFrame(rng.random((100, 102)))
    clf = G.CLSWGANClassifier(table, **backbone("fvaegan"), max_epochs=1,
                              n_synthetic_per_class=1, classifier_max_epochs=1, verbose=0,
                              random_state=0, device="cpu")
    clf.fit(X, y)
    result = {"fitted": True}
json.dump(result, open(out, "w"))
'''


def _run(checkout, task, samples=0):
    """One side in a fresh process; returns (result, its CPU seconds)."""
    env = {**os.environ, "PYTHONPATH": str(Path(checkout).resolve()), "OMP_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-c", _CHILD, task, str(out), str(samples)],
                       env=env, check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return json.loads(out.read_text()), cpu


def same(old):
    new_result, _ = _run(REPO, "same")
    old_result, _ = _run(old, "same")
    print("| configuration | max abs. difference of scores | of per-epoch losses |")
    print("|---|---|---|")
    worst = 0.0
    for key, new in new_result.items():
        ref = old_result[key]
        scores = float(np.abs(np.subtract(new["scores"], ref["scores"])).max())
        losses = float(np.abs(np.subtract(new["losses"], ref["losses"])).max())
        worst = max(worst, scores, losses)
        print(f"| {key} | {scores:.3g} | {losses:.3g} |")
    return 0 if worst == 0.0 else 1


def cost(old, runs, samples):
    ratios, figures = [], {"new": [], "old": []}
    for _ in range(runs):
        _, cpu_new = _run(REPO, "cost", samples)
        _, cpu_old = _run(old, "cost", samples)
        figures["new"].append(cpu_new)
        figures["old"].append(cpu_old)
        ratios.append(cpu_new / cpu_old)
    print(f"CPU s per fit, median: new {np.median(figures['new']):.2f}, "
          f"old {np.median(figures['old']):.2f}; new/old ratio median "
          f"{np.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f}), "
          f"{runs} pairs")
    return 0


def main(argv=None):
    p = parser("redesign", __doc__)
    p.add_argument("task", choices=["same", "cost"])
    p.add_argument("--old", type=Path, required=True,
                   help="a checkout of the earlier commit to compare with")
    p.add_argument("--runs", type=int, default=4, help="cost: pairs of fits")
    p.add_argument("--samples", type=int, default=600, help="cost: training samples")
    args = p.parse_args(argv)
    if args.task == "same":
        return same(args.old)
    return cost(args.old, args.runs, args.samples)
