"""SDDN and semantic-KD against their own backbone, term by term, on three benchmarks (issue #21).

Each row is one configuration: the TF-VAEGAN backbone alone (``CLSWGANClassifier``),
``SDDNClassifier`` or ``SemanticKDClassifier`` with all their terms, with one term's
weight set to 0 (``-term``), or with one setting changed (``name=value``). All rows of a
dataset share the backbone, its budget and the final classifier's settings, so the
backbone row is measured in the same run with the same budget.

``--mode val`` (the ablation, validation only): one fit per seed on the train classes
of the dataset's trainval split, less the share of their samples that
``validation_cv`` holds out, scored on that validation fold: H at the seen bias that
maximises it there and ZSL T1 on the validation classes. **The test split is never
read.** ``--mode test``, for the rows that matter: refit on the whole trainval split
and score the test split once, at the seen bias that the same row's and seed's
``--mode val`` fit chose on its validation fold (run that first). One JSON line
per fit in ``--results``; ``--report`` prints mean ± sd over seeds per row, and the
change against the row "sddn" or "semantic_kd" (all terms on).

Datasets: ``sun``, SUN with per-image attribute annotations as inputs (SUN-A);
``cub``, the CUB-shaped stand-in (real labels, splits and attributes, synthetic
2048-d features); ``digits``, ``load_digits_zsl`` (pixels as inputs).

Usage (from the repository root)::

    OMP_NUM_THREADS=1 python -m benchmarks ablation --dataset sun --rows backbone sddn \\
        --seeds 0 1 2
    OMP_NUM_THREADS=1 python -m benchmarks ablation --dataset sun --rows all --seeds 0
    OMP_NUM_THREADS=1 python -m benchmarks ablation --dataset sun --mode test \\
        --rows backbone sddn semantic_kd --seeds 0 1 2
    python -m benchmarks ablation --report
"""

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

from . import common

RESULTS = common.RESULTS / "ablation.jsonl"

# the backbone of every row: TF-VAEGAN at the reduced width of the other generative
# benchmarks, with the reference codes' 5 critic steps and batch 64
BACKBONE = dict(hidden_dim=512, n_critic=5, batch_size=64, lr=1e-3, semantic_scaling="standard")
# the final classifier and synthesis, the same for every row
SETTINGS = dict(classifier_lr=3e-3, classifier_max_epochs=20, n_synthetic_per_class=100,
                n_synthetic_seen_per_class=50, verbose=0)
EPOCHS = {"sun": 5, "cub": 2, "digits": 20}
# the methods' own widths, the same on every dataset
SDDN = dict(hidden_dim=512, embedding_dim=256, latent_dim=256)
SKD = dict(hidden_dim=512)

ROWS = {
    "backbone": ("CLSWGANClassifier", {}),
    "sddn": ("SDDNClassifier", SDDN),
    "sddn -soft_label": ("SDDNClassifier", {**SDDN, "soft_label_weight": 0.0}),
    "sddn -feature_map": ("SDDNClassifier", {**SDDN, "feature_map_weight": 0.0}),
    "sddn -generated_classification": ("SDDNClassifier",
                                       {**SDDN, "generated_classification_weight": 0.0}),
    "sddn -reconstruction": ("SDDNClassifier", {**SDDN, "reconstruction_weight": 0.0}),
    "sddn -relation": ("SDDNClassifier", {**SDDN, "relation_weight": 0.0}),
    "sddn -independence": ("SDDNClassifier", {**SDDN, "independence_weight": 0.0}),
    "sddn fusion=visual+semantic": ("SDDNClassifier", {**SDDN, "fusion": "visual+semantic"}),
    "sddn fusion=semantic": ("SDDNClassifier", {**SDDN, "fusion": "semantic"}),
    "sddn relation=3": ("SDDNClassifier", {**SDDN, "relation_weight": 3.0}),
    "sddn latent=64": ("SDDNClassifier", {**SDDN, "latent_dim": 64}),
    # SDGZSL's SUN widths (the estimator's defaults are the narrower ones above)
    "sddn width=2048": ("SDDNClassifier", {**SDDN, "hidden_dim": 2048, "latent_dim": 2048}),
    "semantic_kd": ("SemanticKDClassifier", SKD),
    "semantic_kd -regularization": ("SemanticKDClassifier",
                                    {**SKD, "regularization_weight": 0.0}),
    "semantic_kd -preservation": ("SemanticKDClassifier", {**SKD, "preservation_weight": 0.0}),
    "semantic_kd -distillation": ("SemanticKDClassifier", {**SKD, "distillation_weight": 0.0}),
}


def load(dataset):
    from .standins import load_cub_standin, load_sun_attribute_benchmark

    if dataset == "sun":
        return load_sun_attribute_benchmark()
    if dataset == "cub":
        return load_cub_standin()
    from skzsl.datasets import load_digits_zsl

    return load_digits_zsl()


def estimator(row, dataset, seed, class_attributes):
    from skzsl import generative

    method, params = ROWS[row]
    return getattr(generative, method)(
        class_attributes, backbone=generative.TFVAEGAN(**BACKBONE),
        max_epochs=EPOCHS[dataset], random_state=seed, device="cpu", **SETTINGS, **params)


def _peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _best_bias(y_true, scores, classes, seen_classes):
    """H at the seen bias that maximises it on these data, and that bias.

    The bias is the midpoint of the interval of the exact seen-unseen curve
    where H is best (every bias in it gives that H).
    """
    from skzsl.metrics import harmonic_mean, seen_unseen_curve

    biases, seen, unseen = seen_unseen_curve(y_true, scores, classes=classes,
                                             seen_classes=seen_classes)
    h = np.array([harmonic_mean(s, u) for s, u in zip(seen, unseen, strict=True)])
    best = int(np.argmax(h))
    if best + 1 < len(biases):
        low, high = biases[best], biases[best + 1]
        bias = high - 1.0 if np.isinf(low) else (low + high) / 2
    else:
        bias = biases[best] + 1.0
    return float(h[best]), float(bias)


def fit_and_score(dataset, row, seed):
    from skzsl.model_selection import validation_cv

    data = load(dataset)
    train, val = next(validation_cv(data, seed).split(data.X_trainval, data.y_trainval))
    est = estimator(row, dataset, seed, data.class_attributes)
    start = time.process_time()
    est.fit(data.X_trainval[train], data.y_trainval[train])
    seconds = time.process_time() - start
    X_val, y_val = data.X_trainval[val], data.y_trainval[val]
    scores = est.compatibility_scores(X_val)
    h, bias = _best_bias(y_val, scores, est.classes_, est.seen_classes_)
    zsl = common.validation_zsl(y_val, scores, est)
    return {"dataset": dataset, "row": row, "mode": "val", "seed": seed,
            "epochs": EPOCHS[dataset], "val_H": h, "val_ZSL": float(zsl), "bias": bias,
            "cpu_s": seconds, "peak_rss_MiB": _peak_rss_mib()}


def test_score(dataset, row, seed, results):
    """Refit on trainval, score the test split once at the bias validation chose.

    The bias is the one the ``--mode val`` run of the same row and seed chose
    on its validation fold (read from ``results``).
    """
    from skzsl.metrics import harmonic_mean, per_class_accuracy_score

    chosen = [r for r in _read(results) if (r["dataset"], r["row"], r["mode"], r["seed"])
              == (dataset, row, "val", seed)]
    if not chosen:
        raise SystemExit(f"no --mode val result for {dataset} {row!r} seed {seed} in "
                         f"{results}: run it first (it chooses the seen bias)")
    bias = chosen[-1]["bias"]
    data = load(dataset)
    est = estimator(row, dataset, seed, data.class_attributes)
    start = time.process_time()
    est.fit(data.X_trainval, data.y_trainval)
    seconds = time.process_time() - start
    seen = np.isin(est.classes_, est.seen_classes_)
    accuracy = {}
    for part, X, y in (("S", data.X_test_seen, data.y_test_seen),
                       ("U", data.X_test_unseen, data.y_test_unseen)):
        scores = est.compatibility_scores(X) - bias * seen
        accuracy[part] = per_class_accuracy_score(y, est.classes_[scores.argmax(1)])
    return {"dataset": dataset, "row": row, "mode": "test", "seed": seed,
            "epochs": EPOCHS[dataset], "test_H": float(harmonic_mean(accuracy["S"],
                                                                     accuracy["U"])),
            "test_S": float(accuracy["S"]), "test_U": float(accuracy["U"]), "bias": bias,
            "cpu_s": seconds, "peak_rss_MiB": _peak_rss_mib()}


def _read(results):
    return [json.loads(line) for line in Path(results).read_text().splitlines() if line.strip()]


def _mean_sd(values):
    sd = f" ± {np.std(values, ddof=1):.3f}" if len(values) > 1 else " (one seed)"
    return f"{np.mean(values):.3f}{sd}"


def report(results):
    rows = _read(results)
    groups = {}
    for r in rows:
        groups.setdefault((r["dataset"], r["mode"], r["row"]), []).append(r)
    order = {name: i for i, name in enumerate(ROWS)}
    out = []
    for dataset in ("sun", "cub", "digits"):
        for mode, key in (("val", "val_H"), ("test", "test_H")):
            keys = sorted((k for k in groups if k[:2] == (dataset, mode)),
                          key=lambda k: order.get(k[2], 99))
            if not keys:
                continue
            base = {name: np.mean([r[key] for r in groups[(dataset, mode, name)]])
                    for name in ("sddn", "semantic_kd", "backbone")
                    if (dataset, mode, name) in groups}
            extra = "val ZSL T1" if mode == "val" else "test S / U"
            out += [f"\n{dataset}, {mode}:\n",
                    f"| row | seeds | {mode} H (mean ± sd) | change | {extra} | CPU s per fit "
                    "| peak RSS MiB |", "|---|---|---|---|---|---|---|"]
            for k in keys:
                group = groups[k]
                values = [r[key] for r in group]
                ref = "sddn" if k[2].startswith("sddn") else (
                    "semantic_kd" if k[2].startswith("semantic_kd") else None)
                change = ("" if ref is None or ref == k[2] or ref not in base
                          else f"{np.mean(values) - base[ref]:+.3f}")
                if mode == "val":
                    more = f"{np.mean([r['val_ZSL'] for r in group]):.3f}"
                else:
                    more = (f"{np.mean([r['test_S'] for r in group]):.3f} / "
                            f"{np.mean([r['test_U'] for r in group]):.3f}")
                out.append(f"| {k[2]} | {','.join(str(r['seed']) for r in group)} | "
                           f"{_mean_sd(values)} | {change} | {more} | "
                           f"{np.mean([r['cpu_s'] for r in group]):.0f} | "
                           f"{np.mean([r['peak_rss_MiB'] for r in group]):.0f} |")
    return "\n".join(out)


def main(argv=None):
    parser = common.parser("ablation", __doc__)
    parser.add_argument("--dataset", choices=["sun", "cub", "digits"])
    parser.add_argument("--rows", nargs="+", default=None,
                        help=f"rows to run, or 'all'; of: {', '.join(ROWS)}")
    parser.add_argument("--mode", choices=["val", "test"], default="val")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="JSON lines appended by the fits, read by --report")
    parser.add_argument("--report", action="store_true", help="print the tables of --results")
    parser.add_argument("--out", default=None, help="--report: also write the markdown here")
    common.add_threads(parser, default=1)
    common.add_data_dir(parser)
    args = common.apply(parser.parse_args(sys.argv[1:] if argv is None else argv))
    if args.report:
        common.write(report(args.results), args.out)
        return
    if not (args.dataset and args.rows):
        parser.error("--dataset and --rows are required (or --report)")
    rows = list(ROWS) if args.rows == ["all"] else args.rows
    unknown = sorted(set(rows) - set(ROWS))
    if unknown:
        parser.error(f"unknown rows {unknown}; rows are: {', '.join(ROWS)}")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    for seed in args.seeds:
        for row in rows:
            if args.mode == "val":
                result = fit_and_score(args.dataset, row, seed)
            else:
                result = test_score(args.dataset, row, seed, args.results)
            with open(args.results, "a") as fh:
                fh.write(json.dumps(result) + "\n")
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
