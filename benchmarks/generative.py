"""The generative family (CLSWGAN, SDDN, semantic-KD) under the validation-only protocol.

Tasks (each runs in its own process, so its peak memory is its own):

- ``main``: ZSL T1, GZSL S / U / H, fit seconds and peak memory of ESZSL and
  the three generative classifiers on the SUN attribute-annotation benchmark
  and on the CUB-shaped stand-in. ``seen_bias`` (and the grid, when given) is
  chosen on the dataset's train/val class split of trainval, the model is
  refitted on trainval, then scored once on test
  (:func:`skzsl.model_selection.gzsl_protocol`).
- ``ablation``: each SDDN and semantic-KD term switched off in turn (weight
  0), compared with all terms on, by validation H (fit on the train classes,
  seen bias tuned on folds of the train classes, scored on the validation
  classes; the test split is not touched), averaged over ``--seeds``.
- ``epoch``: seconds per generator epoch at the full CUB-stand-in size
  (7057 x 2048) with the default (paper-sized) networks, on CPU or
  (``--device cuda``) on a GPU.

Settings: ``FVAEGAN(**BACKBONE)`` (reduced widths, one critic step) and
``SETTINGS``; ``--params`` sets any estimator parameter on top, the backbone's
as ``backbone__<name>`` (``'{"backbone__semantic_scaling": "standard"}'``).
Results are appended as JSON lines to ``--results``; ``report`` turns them
into the markdown fragment for BENCHMARKS.md.

Usage (from the repository root)::

    python -m benchmarks generative main --dataset sun --method SDDNClassifier
    python -m benchmarks generative ablation --dataset sun --method SDDNClassifier \\
        --off soft_label_weight --seeds 0 1
    python -m benchmarks generative epoch --method CLSWGANClassifier --epochs 1
    python -m benchmarks generative report --out generative.md
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.model_selection import cross_validate

from skzsl import generative
from skzsl.datasets import load_digits_zsl
from skzsl.metrics import gzsl_scorer, zsl_scorer
from skzsl.model_selection import TunedSeenBiasClassifierCV, validation_cv

from . import common
from .standins import load_cub_standin, load_sun_attribute_benchmark

RESULTS = common.RESULTS / "generative.jsonl"

LOADERS = {"sun": load_sun_attribute_benchmark, "cub": load_cub_standin,
           "digits": load_digits_zsl}
DATASET_NAMES = {"sun": "SUN attribute-annotation", "cub": "CUB-shaped stand-in",
                 "digits": "digits (load_digits_zsl)"}

# The backbone used for every dataset: f-VAEGAN's VAE + WGAN-GP with one critic step
# (as FREE on SUN), reduced widths and epochs to fit a CPU budget; --backbone picks
# another backbone with the same widths.
BACKBONES = {"clswgan": "CLSWGAN", "fvaegan": "FVAEGAN", "tfvaegan": "TFVAEGAN"}
BACKBONE = dict(hidden_dim=512, n_critic=1, batch_size=128, lr=1e-3)
SETTINGS = dict(classifier_lr=3e-3, classifier_max_epochs=20, n_synthetic_per_class=100,
                n_synthetic_seen_per_class=50, verbose=0)
EPOCHS = {"sun": 15, "cub": 5, "digits": 30}

PARAMS = {
    "CLSWGANClassifier": {},
    "SDDNClassifier": dict(hidden_dim=512, embedding_dim=256, latent_dim=64),
    "SemanticKDClassifier": dict(hidden_dim=512),
}

# term -> the value that switches it off
ABLATION_TERMS = {
    "SDDNClassifier": {"soft_label_weight": 0.0, "feature_map_weight": 0.0,
                       "generated_classification_weight": 0.0,
                       "reconstruction_weight": 0.0,
                       "relation_weight": 0.0, "independence_weight": 0.0},
    "SemanticKDClassifier": {"regularization_weight": 0.0, "preservation_weight": 0.0,
                             "distillation_weight": 0.0},
}


def backbone(name="fvaegan", **params):
    """The benchmark's backbone: ``BACKBONE``'s widths on backbone ``name``."""
    return getattr(generative, BACKBONES[name])(**{**BACKBONE, **params})


def backbone_defaults(name):
    """Backbone ``name`` at its reference (paper-sized) defaults."""
    return getattr(generative, BACKBONES[name])()


def estimator(method, dataset, params=None, backbone_name="fvaegan", epochs=None):
    """``method`` with the benchmark's settings, ``params`` set on top (``backbone__*`` too)."""
    est = getattr(generative, method)(
        backbone=backbone(backbone_name), **SETTINGS,
        max_epochs=EPOCHS[dataset] if epochs is None else epochs, **PARAMS[method])
    return est.set_params(**(params or {}))


def _record(args, row):
    results = args.results
    row = {"date": common.now(), "machine": common.machine(),
           "command": common.command("generative", args.argv), **row}
    results.parent.mkdir(parents=True, exist_ok=True)
    with open(results, "a") as fh:
        fh.write(json.dumps(row, default=float) + "\n")
    print(json.dumps(row, default=float))


def task_main(args):
    data = LOADERS[args.dataset]()
    seed = args.seeds[0]
    if args.method == "ESZSLClassifier":
        row = common.protocol_row("eszsl", data, random_state=seed)
    else:
        est = estimator(args.method, args.dataset, json.loads(args.params),
                        args.backbone or "fvaegan", args.epochs)
        row = common.protocol_row(args.method, data, estimator=est,
                                  param_grid=json.loads(args.grid) if args.grid else {},
                                  random_state=seed)
    row.pop("estimator")
    row.update(task="main", dataset=args.dataset, method=args.method, variant=args.params,
               peak_rss_MiB=common.peak_rss_mib())
    _record(args, row)


def _val_scores(estimator, X, y):
    return {**gzsl_scorer(estimator, X, y), "zsl": zsl_scorer(estimator, X, y)}


def task_ablation(args):
    data = LOADERS[args.dataset]()
    terms = ABLATION_TERMS[args.method]
    if args.off == "all":
        off = dict(terms)
    elif args.off == "none":
        off = {}
    else:
        off = {args.off: terms[args.off]}
    start = time.perf_counter()
    scores = []
    for seed in args.seeds:
        est = estimator(args.method, args.dataset, {**json.loads(args.params), **off},
                        args.backbone or "fvaegan", args.epochs).set_params(
            class_attributes=data.class_attributes, random_state=seed)
        # the bias is tuned on folds of the train classes and scored on the val classes
        tuned = TunedSeenBiasClassifierCV(est, random_state=seed)
        result = cross_validate(tuned, data.X_trainval, data.y_trainval,
                                cv=validation_cv(data, seed), scoring=_val_scores)
        scores.append({f"mean_{key}": float(result[f"test_{key}"].mean())
                       for key in ("harmonic", "seen", "unseen", "zsl")})
    mean = {key: float(np.mean([s[f"mean_{key}"] for s in scores]))
            for key in ("harmonic", "seen", "unseen", "zsl")}
    _record(args, dict(task="ablation", dataset=args.dataset, method=args.method,
                               variant=args.params, off=args.off, seeds=len(args.seeds),
                               first_seed=args.seeds[0], seed_list=args.seeds,
                               val_H=mean["harmonic"],
                               val_H_std=float(np.std([s["mean_harmonic"] for s in scores])),
                               val_S=mean["seen"], val_U=mean["unseen"], val_ZSL=mean["zsl"],
                               seconds=time.perf_counter() - start))


def task_epoch(args):
    data = load_cub_standin()
    cls = getattr(generative, args.method)
    # the estimator's defaults: the paper-sized f-CLSWGAN backbone unless --backbone
    est = cls(data.class_attributes, backbone=backbone_defaults(args.backbone or "clswgan"),
              max_epochs=args.epochs or 2, classifier_max_epochs=1, n_synthetic_per_class=1,
              verbose=0, random_state=0, device=args.device)
    est.set_params(**json.loads(args.params))
    start = time.perf_counter()
    est.fit(data.X_trainval, data.y_trainval)
    total = time.perf_counter() - start
    durations = list(est.generator_net_.history[:, "dur"])
    backbone_params = est.backbone_.get_params()
    _record(args, dict(task="epoch", dataset="cub", method=args.method,
                               device=str(est.device_),
                               n_samples=int(data.X_trainval.shape[0]),
                               n_features=int(data.X_trainval.shape[1]),
                               params={"backbone": type(est.backbone_).__name__,
                                       **{k: backbone_params[k] for k in (
                                           "hidden_dim", "n_critic", "batch_size")}},
                               seconds_per_epoch=float(np.mean(durations)),
                               fit_seconds=total, peak_rss_MiB=common.peak_rss_mib()))


def _fmt(value):
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def task_report(args):
    rows = [json.loads(line) for line in open(args.results)]
    latest = {}
    for row in rows:
        key = (row["task"], row["dataset"], row["method"], row.get("off"),
               row.get("variant", "{}"))
        latest[key] = row
    rows = list(latest.values())
    out = ["### Generative family (`skzsl.generative`)", ""]
    dates = sorted({r["date"] for r in rows})
    out += [f"Machine: {rows[0]['machine']}. Dates: {dates[0]} to {dates[-1]}.",
            "Protocol: hyperparameters and `seen_bias` chosen on the dataset's train/val "
            "class split of trainval only, refit on trainval, scored once on test.",
            f"Backbone (all generative rows): `FVAEGAN(**{BACKBONE})` unless the settings say "
            f"otherwise; estimator settings `{SETTINGS}`, epochs {EPOCHS}.", ""]
    for dataset in ("sun", "cub", "digits"):
        main = [r for r in rows if r["task"] == "main" and r["dataset"] == dataset]
        if not main:
            continue
        out += [f"#### {DATASET_NAMES[dataset]}", "",
                "| method | settings | ZSL T1 | S | U | H | val H | seen_bias | fit s "
                "| peak MiB |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for r in sorted(main, key=lambda r: (r["method"], r.get("variant", "{}"))):
            out.append("| " + " | ".join(_fmt(v) for v in (
                r["method"], r.get("variant", "{}"), r["ZSL_T1"], r["S"], r["U"], r["H"],
                r["val_H"], r["seen_bias"], int(round(r["fit_s"])),
                int(round(r["peak_rss_MiB"])))) + " |")
        out += ["", f"Commands: `{'`, `'.join(sorted({r['command'] for r in main}))}`", ""]
    ablation = [r for r in rows if r["task"] == "ablation"]
    if ablation:
        out += ["#### Ablation (validation classes only, mean over seeds; weight set to 0)", "",
                "| dataset | method | term off | seeds | val ZSL | val S | val U | val H (std) |",
                "|---|---|---|---|---|---|---|---|"]
        for r in sorted(ablation, key=lambda r: (r["dataset"], r["method"], r["off"] != "none",
                                                 r["off"])):
            out.append("| " + " | ".join(_fmt(v) for v in (
                DATASET_NAMES[r["dataset"]], r["method"], r["off"], r.get("seeds", 1),
                r["val_ZSL"], r["val_S"], r["val_U"],
                f"{r['val_H']:.3f} ({r.get('val_H_std', 0.0):.3f})")) + " |")
        out.append("")
    epoch = [r for r in rows if r["task"] == "epoch"]
    if epoch:
        out += ["#### Seconds per generator epoch, CUB stand-in at full size (7057 x 2048), CPU",
                "", "| method | settings | s / epoch |", "|---|---|---|"]
        for r in sorted(epoch, key=lambda r: r["method"]):
            out.append(f"| {r['method']} | {r['params']} | {r['seconds_per_epoch']:.1f} |")
        out.append("")
    common.write("\n".join(out), args.out)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = common.parser("generative", __doc__)
    parser.add_argument("task", choices=["main", "ablation", "epoch", "report"])
    parser.add_argument("--dataset", choices=sorted(LOADERS), default="sun")
    parser.add_argument("--method", default="SDDNClassifier",
                        help="CLSWGANClassifier, SDDNClassifier, SemanticKDClassifier "
                             "(main: also ESZSLClassifier)")
    parser.add_argument("--backbone", choices=sorted(BACKBONES), default=None,
                        help="main, ablation: the backbone with BACKBONE's widths (default "
                             "fvaegan); epoch: at its defaults (default clswgan)")
    parser.add_argument("--params", default="{}",
                        help="JSON estimator parameters set on top of the benchmark settings "
                             "(backbone ones as backbone__<name>)")
    parser.add_argument("--grid", default=None, help="main: JSON param grid searched")
    parser.add_argument("--off", default="none", help="ablation: term to switch off, or all")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0],
                        help="ablation: seeds to average; main: the first is the seed")
    parser.add_argument("--epochs", type=int, default=None,
                        help=f"generator epochs (main, ablation: default {EPOCHS}; "
                             "epoch: epochs to time, default 2)")
    parser.add_argument("--device", default="cpu", help="epoch task: torch device (cpu, cuda)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="JSON lines appended by the runs, read by report")
    parser.add_argument("--out", default=None, help="report: also write the markdown here")
    common.add_threads(parser)
    common.add_data_dir(parser)
    args = common.apply(parser.parse_args(argv))
    args.argv = argv
    {"main": task_main, "ablation": task_ablation, "epoch": task_epoch,
     "report": task_report}[args.task](args)


if __name__ == "__main__":
    main()
