"""Test H with early stopping, with fixed epochs, and with the test-selected best epoch.

One run per dataset: ``CLSWGANClassifier`` (the backbone settings of
``bench_generative.py``) is fitted on the dataset's trainval data with
``early_stopping`` on its own train/val class split (xlsa17's), patience equal
to ``max_epochs`` so that every epoch runs. At each epoch a probe callback
trains the final classifier on that epoch's synthetic features (seeded as the
estimator does) and records

- ``h_fixed``: test H with the seen bias chosen on the validation fold
  (:func:`skzsl.model_selection.select_seen_bias`' rule); read at the last
  epoch it is the fixed-epoch protocol;
- ``h_test_best``: test H at the bias that maximises it *on test*; its maximum
  over epochs is the published codes' protocol (best epoch and bias on test),
  for reference only: it uses the test labels to choose.

The estimator's own result, the best validation epoch restored by skorch's
``EarlyStopping``, is scored on test with the seen bias chosen on the
validation fold: the early-stopping row. The test split is read only to
report.

Usage::

    python benchmarks/bench_early_stopping.py --dataset sun --epochs 15
    python benchmarks/bench_early_stopping.py --dataset cub --epochs 10
"""

import argparse
import json
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_generative import BACKBONE, LOADERS, _machine  # noqa: E402
from skorch.callbacks import Callback  # noqa: E402

from skzsl.model_selection import validation_cv  # noqa: E402
from skzsl._early_stopping import best_validation_h  # noqa: E402
from skzsl._training import gather, seed_from_random_state  # noqa: E402
from skzsl.generative import CLSWGANClassifier  # noqa: E402
from skzsl.metrics import harmonic_mean, seen_unseen_curve  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "early_stopping.jsonl"


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


class _Probe(Callback):
    def __init__(self, train, X_val, y_val, X_test, y_test, est):
        self.train, self.X_val, self.X_test = train, X_val, X_test
        self.y_val, self.y_test, self.est = y_val, y_test, est
        self.rows = []

    def on_epoch_end(self, net, **kwargs):
        est = self.est
        clf = self.train(net)      # the final classifier of this epoch, trained once
        val, test = (gather(clf.forward_iter(est._classifier_input(X, net)))
                     for X in (self.X_val, self.X_test))
        # the test classes seen in training are the trainval classes minus those held out
        bias = _bias_on(self.y_val, val, est.classes_, est.seen_classes_)
        self.rows.append(dict(
            epoch=len(net.history),
            h_fixed=_h_at(self.y_test, test, est.classes_, est.seen_classes_, bias),
            h_test_best=best_validation_h(self.y_test, test, est.classes_,
                                          est.seen_classes_)))


class _Probed(CLSWGANClassifier):
    """CLSWGAN whose stage-1 net also carries the probe (benchmark only)."""

    def _build_generator_net(self, X_scaled, y_idx):
        net = super()._build_generator_net(X_scaled, y_idx)
        seed = seed_from_random_state(self.random_state)
        train = partial(self._final_classifier, X_scaled=X_scaled, y_idx=y_idx, seed=seed,
                        verbose=0)
        fold_X, fold_y = self._probe_fold
        self.probe_ = _Probe(train, self._scale(fold_X).astype(np.float32), fold_y,
                             self._scale(self._probe_X_test).astype(np.float32),
                             self._probe_y_test, self)
        net.callbacks = [*net.callbacks, ("probe", self.probe_)]
        return net


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", choices=["sun", "cub"], required=True)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = LOADERS[args.dataset]()
    X_test = np.concatenate([data.X_test_seen, data.X_test_unseen])
    y_test = np.concatenate([data.y_test_seen, data.y_test_unseen])
    splitter = validation_cv(data, random_state=0)
    train, fold = next(splitter.split(data.X_trainval, data.y_trainval))
    est = _Probed(data.class_attributes, **{**BACKBONE, "max_epochs": args.epochs},
                  early_stopping=splitter, patience=args.epochs, random_state=0)
    est._probe_fold = (data.X_trainval[fold], data.y_trainval[fold])
    est._probe_X_test, est._probe_y_test = X_test, y_test
    start = time.perf_counter()
    est.fit(data.X_trainval, data.y_trainval)
    seconds = time.perf_counter() - start
    # the early-stopping model: its seen bias chosen on the validation fold, then test once
    raw_val = est._decision_scores(est._validate_X(data.X_trainval[fold], reset=False))
    bias = _bias_on(data.y_trainval[fold], raw_val, est.classes_, est.seen_classes_)
    raw_test = est._decision_scores(est._validate_X(X_test, reset=False))
    rows = est.probe_.rows
    row = dict(
        dataset=args.dataset, method="CLSWGANClassifier", max_epochs=args.epochs,
        settings=BACKBONE, best_validation_epoch=est.best_epoch_,
        valid_h=[float(h) for h in est.generator_net_.history[:, "valid_h"]],
        h_early_stopping=_h_at(y_test, raw_test, est.classes_, est.seen_classes_, bias),
        h_fixed_epochs=rows[-1]["h_fixed"],
        h_fixed_at_best_validation_epoch=rows[est.best_epoch_ - 1]["h_fixed"],
        h_test_selected=max(r["h_test_best"] for r in rows),
        test_selected_epoch=int(np.argmax([r["h_test_best"] for r in rows])) + 1,
        per_epoch=rows, fit_seconds=seconds, machine=_machine(),
        date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        command=" ".join(["bench_early_stopping.py", *sys.argv[1:]]))
    args.results.parent.mkdir(parents=True, exist_ok=True)
    with open(args.results, "a") as fh:
        fh.write(json.dumps(row, default=float) + "\n")
    print(json.dumps({k: v for k, v in row.items() if k not in ("per_epoch", "settings")},
                     default=float))


if __name__ == "__main__":
    main()
