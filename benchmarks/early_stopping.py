"""Test H with early stopping, with fixed epochs, and with the test-selected best epoch.

One run per dataset: ``CLSWGANClassifier`` (the settings of the ``generative``
benchmark: ``FVAEGAN(**BACKBONE)`` and ``SETTINGS``) is fitted on the dataset's
trainval data with ``early_stopping`` on its own train/val class split
(xlsa17's), patience equal to ``max_epochs`` so that every epoch runs: the
early-stopping row, the best validation epoch restored by skorch's
``EarlyStopping``, scored on test with the seen bias chosen on the validation
fold. The fit runs through the estimator's public stages
(``build_generator_net``, ``fit_generator``, ``fit_classifier``: ``fit`` to the
bit) so that a callback on the generator net alone keeps a copy of its weights
after every epoch. Then, for each probed epoch ``e`` (``--probe-epochs``, default
every epoch), that epoch's weights are loaded into the generator and
``fit_classifier`` trains the final classifier on its synthetic features, on the
same training part and seeded as ``fit`` does: the model a fit of ``e`` epochs
without early stopping would give, without fitting it again. Each records

- ``h_fixed``: test H with the seen bias chosen on the validation fold
  (:func:`skzsl.model_selection.select_seen_bias`' rule); read at the last
  epoch it is the fixed-epoch protocol;
- ``h_test_best``: test H at the bias that maximises it *on test*; its maximum
  over epochs is the published codes' protocol (best epoch and bias on test),
  for reference only: it uses the test labels to choose.

The test split is read only to report. A run costs one fit and one final
classifier per probed epoch.

Usage (from the repository root)::

    python -m benchmarks early_stopping --dataset sun --epochs 15
    python -m benchmarks early_stopping --dataset cub --epochs 10 --threads 1
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
from skorch.callbacks import Callback

from skzsl.generative import CLSWGANClassifier
from skzsl.metrics import harmonic_mean, seen_unseen_curve
from skzsl.model_selection import validation_cv

from . import common
from .generative import LOADERS, SETTINGS, backbone

RESULTS = common.RESULTS / "early_stopping.jsonl"


def _bias_on(y, scores, classes, seen_classes):
    """The seen bias select_seen_bias would choose: middle of the best-H interval."""
    biases, s, u = seen_unseen_curve(y, scores, classes=classes, seen_classes=seen_classes)
    h = np.array([harmonic_mean(a, b) for a, b in zip(s, u, strict=True)])
    best = int(np.argmax(h))
    finite = biases[1:]
    step = float(np.median(np.diff(finite))) if finite.size > 1 else 1.0
    step = step if step > 0 else 1.0
    if best == 0:
        return float(finite[0] - step) if finite.size else 0.0
    if best == biases.size - 1:
        return float(biases[best] + step)
    return float((biases[best] + biases[best + 1]) / 2.0)


def _h_at(y, scores, classes, seen_classes, bias):
    adjusted = scores.copy()
    seen = np.isin(classes, seen_classes)
    adjusted[:, seen] -= bias
    pred = classes[np.argmax(adjusted, axis=1)]
    is_seen = np.isin(y, seen_classes)
    acc = [np.mean([np.mean(pred[y == c] == c) for c in np.unique(y[mask])])
           for mask in (is_seen, ~is_seen)]
    return harmonic_mean(*acc)


def _estimator(data, epochs, **params):
    return CLSWGANClassifier(data.class_attributes, backbone=backbone("fvaegan"),
                             **{**SETTINGS, "max_epochs": epochs}, random_state=0, **params)


def _probe(est, X_val, y_val, X_test, y_test):
    """Test H at the seen bias chosen on the validation fold, and at the best bias on test."""
    val, test = est.compatibility_scores(X_val), est.compatibility_scores(X_test)
    bias = _bias_on(y_val, val, est.classes_, est.seen_classes_)
    return dict(h_fixed=_h_at(y_test, test, est.classes_, est.seen_classes_, bias),
                h_test_best=common.best_validation_h(y_test, test, est.classes_,
                                                     est.seen_classes_))


class EpochWeights(Callback):
    """A copy of the net's weights at the end of every epoch."""

    def __init__(self):
        self.states = []

    def on_epoch_end(self, net, **kwargs):
        self.states.append({k: v.detach().clone() for k, v in net.module_.state_dict().items()})


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = common.parser("early_stopping", __doc__)
    parser.add_argument("--dataset", choices=["sun", "cub", "digits"], required=True)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--probe-epochs", type=int, nargs="+", default=None,
                        help="the epochs probed with a fixed-epoch fit (default: every epoch)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="JSON lines, one appended per run")
    common.add_threads(parser, default=2)
    common.add_data_dir(parser)
    args = common.apply(parser.parse_args(argv))
    data = LOADERS[args.dataset]()
    X_test = np.concatenate([data.X_test_seen, data.X_test_unseen])
    y_test = np.concatenate([data.y_test_seen, data.y_test_unseen])
    splitter = validation_cv(data, random_state=0)
    _, fold = next(splitter.split(data.X_trainval, data.y_trainval))
    X_val, y_val = data.X_trainval[fold], data.y_trainval[fold]
    est = _estimator(data, args.epochs, early_stopping=splitter, patience=args.epochs)
    X, y = data.X_trainval, data.y_trainval
    start = time.perf_counter()
    # fit, stage by stage, with the weights of every generator epoch kept
    net = est.build_generator_net(X, y)
    weights = EpochWeights()
    net.set_params(callbacks=[*net.callbacks, ("weights", weights)])
    est.fit_generator(X, y, generator_net=net).fit_classifier(X, y)
    seconds = time.perf_counter() - start
    # the early-stopping model: its seen bias chosen on the validation fold, then test once
    early = _probe(est, X_val, y_val, X_test, y_test)
    best_epoch, valid_h = est.best_epoch_, [float(h) for h in net.history[:, "valid_h"]]
    rows = []
    for epoch in args.probe_epochs or range(1, len(weights.states) + 1):
        # the final classifier of a fit of `epoch` epochs: that epoch's generator
        net.module_.load_state_dict(weights.states[epoch - 1])
        est.fit_classifier(X, y)
        rows.append(dict(epoch=epoch, **_probe(est, X_val, y_val, X_test, y_test)))
        print(json.dumps(rows[-1], default=float), flush=True)
    by_epoch = {r["epoch"]: r for r in rows}
    best = max(rows, key=lambda r: r["h_test_best"])
    row = dict(
        dataset=args.dataset, method="CLSWGANClassifier", max_epochs=args.epochs,
        settings={"backbone": repr(est.backbone), **SETTINGS},
        best_validation_epoch=best_epoch, valid_h=valid_h,
        h_early_stopping=early["h_fixed"],
        h_fixed_epochs=by_epoch.get(args.epochs, {}).get("h_fixed"),
        h_fixed_at_best_validation_epoch=by_epoch.get(best_epoch, {}).get("h_fixed"),
        h_test_selected=best["h_test_best"], test_selected_epoch=best["epoch"],
        per_epoch=rows, fit_seconds=seconds, machine=common.machine(), date=common.now(),
        command=common.command("early_stopping", argv))
    args.results.parent.mkdir(parents=True, exist_ok=True)
    with open(args.results, "a") as fh:
        fh.write(json.dumps(row, default=float) + "\n")
    print(json.dumps({k: v for k, v in row.items() if k not in ("per_epoch", "settings")},
                     default=float))


if __name__ == "__main__":
    main()
