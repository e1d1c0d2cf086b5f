"""The seed methods on each backbone, and each of their terms switched off: validation H on SUN-A.

For every backbone (f-CLSWGAN, f-VAEGAN, TF-VAEGAN) and method
(``CLSWGANClassifier``: the backbone alone; ``SDDNClassifier``;
``SemanticKDClassifier``), and optionally with one term's weight set to 0
(``--ablate``), one fit per seed on the *train* classes of SUN-A's trainval
split (xlsa17's train/val classes, less the held-out share of the train classes'
samples that ``PredefinedClassSplit`` keeps for validation), then, on the
validation fold: ZSL T1 on its validation classes (unseen candidates only)
and the harmonic mean H at the seen bias that maximises it there (the exact
curve, as ``early_stopping`` scores an epoch).
The test split is never read. Settings: ``generative``'s reduced
backbone (hidden 512, lr 1e-3, 100 synthetic per unseen class and 50 per seen
class, ``semantic_scaling="standard"``) with the reference codes' 5 critic
steps and batch 64, ``--epochs`` generator epochs, and ``fusion="visual"`` for SDDN, as its rows
in BENCHMARKS.md. One JSON line per fit in ``--results``.

Usage (from the repository root)::

    OMP_NUM_THREADS=1 python -m benchmarks backbones --backbone fvaegan \\
        --method SDDNClassifier --seeds 0 1 2
    OMP_NUM_THREADS=1 python -m benchmarks backbones --backbone fvaegan \\
        --method SDDNClassifier --ablate soft_label_weight --seeds 0 1 2
    python -m benchmarks backbones --report
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

from skzsl import generative
from skzsl.model_selection import validation_cv

from . import common
from .generative import ABLATION_TERMS, BACKBONE, BACKBONES, PARAMS, SETTINGS
from .standins import load_sun_attribute_benchmark

RESULTS = common.RESULTS / "backbones.jsonl"
# the reference codes' critic steps and batch size (generative.py uses 1 and 128:
# at those, f-CLSWGAN's validation ZSL T1 was 0.06 to 0.10 over three seeds)
REFERENCE_STEPS = dict(n_critic=5, batch_size=64)
METHOD_PARAMS = {**PARAMS, "SDDNClassifier": {**PARAMS["SDDNClassifier"], "fusion": "visual"}}


def fit_and_score(backbone, method, seed, epochs, ablate=None):
    data = load_sun_attribute_benchmark()
    # xlsa17's train classes minus a held-out share of their samples, and the val classes
    train, val = next(validation_cv(data, seed).split(data.X_trainval, data.y_trainval))
    net = getattr(generative, BACKBONES[backbone])(**{**BACKBONE, **REFERENCE_STEPS},
                                                   semantic_scaling="standard")
    params = {**SETTINGS, "backbone": net, "max_epochs": epochs, **METHOD_PARAMS[method]}
    if ablate:
        params[ablate] = ABLATION_TERMS[method][ablate]
    est = getattr(generative, method)(data.class_attributes, random_state=seed, device="cpu",
                                      **params)
    start = time.process_time()
    est.fit(data.X_trainval[train], data.y_trainval[train])
    seconds = time.process_time() - start
    X_val, y_val = data.X_trainval[val], data.y_trainval[val]
    scores = est.compatibility_scores(X_val)
    h = common.best_validation_h(y_val, scores, est.classes_, est.seen_classes_)
    zsl = common.validation_zsl(y_val, scores, est)
    return {"backbone": backbone, "method": method, "ablate": ablate or "none", "seed": seed,
            "epochs": epochs, "val_H": float(h), "val_ZSL": float(zsl), "cpu_s": seconds}


def report(results):
    rows = [json.loads(line) for line in results.read_text().splitlines()]
    groups = {}
    for row in rows:
        groups.setdefault((row["backbone"], row["method"], row["ablate"], row["epochs"]),
                          []).append(row)
    lines = ["| backbone | method | term off | epochs | seeds | val H (mean ± sd) | "
             "val ZSL T1 | CPU s per fit |", "|---|---|---|---|---|---|---|---|"]
    for (backbone, method, ablate, epochs), group in sorted(groups.items()):
        h = [r["val_H"] for r in group]
        spread = f" ± {np.std(h, ddof=1):.3f}" if len(h) > 1 else " (one seed)"
        lines.append(f"| {backbone} | {method} | {ablate} | {epochs} | "
                     f"{','.join(str(r['seed']) for r in group)} | {np.mean(h):.3f}{spread} | "
                     f"{np.mean([r['val_ZSL'] for r in group]):.3f} | "
                     f"{np.mean([r['cpu_s'] for r in group]):.0f} |")
    return "\n".join(lines)


def main(argv=None):
    parser = common.parser("backbones", __doc__)
    parser.add_argument("--backbone", choices=["clswgan", "fvaegan", "tfvaegan"])
    parser.add_argument("--method", choices=sorted(METHOD_PARAMS))
    parser.add_argument("--ablate", default=None, help="a term whose weight is set to 0")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="JSON lines appended by the fits, read by --report")
    parser.add_argument("--report", action="store_true", help="print the table of --results")
    parser.add_argument("--out", default=None, help="--report: also write the markdown here")
    common.add_threads(parser, default=1)
    common.add_data_dir(parser)
    args = common.apply(parser.parse_args(sys.argv[1:] if argv is None else argv))
    if args.report:
        common.write(report(args.results), args.out)
        return
    if not (args.backbone and args.method):
        parser.error("--backbone and --method are required (or --report)")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    for seed in args.seeds:
        row = fit_and_score(args.backbone, args.method, seed, args.epochs, args.ablate)
        with open(args.results, "a") as fh:
            fh.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
