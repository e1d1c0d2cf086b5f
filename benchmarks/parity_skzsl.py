"""skzsl's side of the issue #11 parity record: f-VAEGAN and TF-VAEGAN on SUN-A and CUB.

Runs ``CLSWGANClassifier(backbone=...)`` with the official SUN settings
(``generative_preset("SUN", backbone)``, from ``scripts/run_sun_tfvaegan.py``; see
``docs/generative_reference.md``) on the SUN attribute-annotation benchmark, or with
``--dataset CUB`` the official CUB settings (``generative_preset("CUB", backbone)``,
from ``scripts/run_cub_tfvaegan.py``) on the CUB stand-in, and after every
generator epoch measures what the official ``train_images.py`` prints, the same
way:

- **ZSL T1**: ``syn_num`` synthetic features per unseen class (SUN 400, CUB 300), a
  softmax classifier over the unseen classes only (N(0, 0.02) init, Adam with
  beta1 0.5 at the script's classifier lr, batch ``syn_num``, full batches,
  25 epochs), mean per-class accuracy on the test-unseen
  features. ``zsl_t1`` is the best of its 25 epochs **on test**, the official
  code's own selection (for parity only, never a result); ``zsl_t1_last`` is
  its last epoch;
- CPU seconds (``time.process_time``, one thread) of the generator epoch, of
  the ZSL classifier and, after the last epoch, of the GZSL classifier
  (real seen + the synthetic unseen features, every class: the final
  classifier of ``fit``), with its last-epoch S / U / H at seen bias 0;
- peak RSS of the process (``ru_maxrss``).

It drives the estimator through its public stages: ``build_generator_net`` (the
generator net ``fit`` trains, untrained), with the probe added to that net's callbacks,
``fit_generator`` (``fit``'s stage 1, the same random draws), and, for the ZSL and GZSL
classifiers, ``build_classifier_net`` (the final classifier's net) on the net's
``classifier_input``.

The script never reads the official code. Compare with
``parity_official run`` (same data, same settings); ``parity_alternate`` runs
the official code and this one in turns, for CPU-time and memory ratios.

Usage (from the repository root; ``<workdir>`` a scratch folder)::

    OMP_NUM_THREADS=1 python -m benchmarks parity_skzsl --backbone fvaegan --epochs 10 \\
        --seed 4115 --out <workdir>/parity_skzsl/fvaegan_4115.json
    python -m benchmarks parity_skzsl report <workdir>/parity_skzsl/fvaegan_*.json \\
        --official <workdir>/parity/fvaegan_merged/summary.json
    OMP_NUM_THREADS=1 python -m benchmarks parity_skzsl --dataset CUB --backbone fvaegan \\
        --epochs 1 --seed 3483 --out <workdir>/parity_skzsl/cub_fvaegan_3483.json
"""

import contextlib
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import torch
from skorch.callbacks import Callback

from skzsl.generative import CLSWGANClassifier, FeatureGenerator, generative_preset

from . import common
from .standins import load_cub_standin, load_sun_attribute_benchmark


def per_class_accuracy(y_true, y_pred):
    classes = np.unique(y_true)
    return float(np.mean([np.mean(y_pred[y_true == c] == c) for c in classes]))


def final_classifier_net(clf, n_features, n_classes, tests, **params):
    """The final classifier's net as ``fit`` trains it (``clf.build_classifier_net``: full
    wrap-around batches), ``params`` set on it, scoring each of ``tests`` (``{name: (X,
    y)}``) after every epoch.

    Returns the net (not fitted) and ``{name: accuracies}``, filled as it trains.
    """
    accs = {name: [] for name in tests}

    class Score(Callback):
        def on_epoch_end(self, cls_net, **kwargs):
            for name, (X_test, y_test) in tests.items():
                scores = cls_net.forward(X_test).numpy()
                accs[name].append(per_class_accuracy(y_test, scores.argmax(1)))

    cls_net = clf.build_classifier_net(n_features, n_classes)
    return cls_net.set_params(callbacks=[("score", Score())], **params), accs


@contextlib.contextmanager
def seeded(seed):
    """torch's global generator seeded for a block, the caller's state restored after."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


class Probe(Callback):
    """Per generator epoch: CPU time of the epoch, then the official ZSL evaluation."""

    def __init__(self, clf, data, seed, gzsl_after):
        # gzsl_after: the epoch after which the GZSL classifier runs (None: never)
        self.clf, self.data, self.seed, self.gzsl_after = clf, data, seed, gzsl_after
        self.rows = []

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        # what the net trains on: the scaled seen features and their rows of classes_
        self.X_scaled, self.y_idx = X, y

    def on_epoch_begin(self, net, **kwargs):
        self.t0 = time.process_time()

    def on_epoch_end(self, net, **kwargs):
        gen_cpu = time.process_time() - self.t0
        clf, data = self.clf, self.data
        epoch = len(net.history)
        row = {"epoch": epoch, "gen_cpu_s": gen_cpu, "gp_weight": net.gp_weight_}
        with seeded(self.seed + epoch):
            net.module_.eval()
            t0 = time.process_time()
            unseen = np.flatnonzero(~np.isin(clf.classes_, clf.seen_classes_))
            counts = np.zeros(len(clf.classes_), dtype=int)
            counts[unseen] = clf.n_synthetic_per_class
            X_syn, y_syn = FeatureGenerator(net, clf.class_attributes_, None).sample_counts(
                counts, self.seed + epoch)
            row["syn_cpu_s"] = time.process_time() - t0
            column = np.searchsorted(unseen, y_syn)
            X_test = clf.scaler_.transform(data.X_test_unseen).astype(np.float32)
            y_test = np.searchsorted(unseen, clf.class_attributes_.index_of(data.y_test_unseen))
            t0 = time.process_time()
            accs = self.zsl_classifier(net, X_syn, column, X_test, y_test, len(unseen))
            row["zsl_cls_cpu_s"] = time.process_time() - t0
            row["zsl_t1"], row["zsl_t1_last"] = max(accs), accs[-1]
            if epoch == self.gzsl_after:
                # the final classifier of fit (real seen + the synthetic unseen features
                # above, every class), scored on test after each epoch as the official code
                t0 = time.process_time()
                row.update(self.gzsl_classifier(net, X_syn, y_syn))
                row["gzsl_cls_cpu_s"] = time.process_time() - t0
            net.module_.train()
        self.rows.append(row)
        print(json.dumps(row), flush=True)

    def classifier(self, net, X, y, n_classes, tests):
        """A final classifier on (X, y), test sets scored after every epoch: accuracies."""
        features = net.classifier_input(X)
        tests = {name: (net.classifier_input(X_test), y_test)
                 for name, (X_test, y_test) in tests.items()}
        cls_net, accs = final_classifier_net(self.clf, features.shape[1], n_classes, tests)
        cls_net.fit(features, y.astype(np.int64))
        return accs

    def zsl_classifier(self, net, X_syn, column, X_test, y_test, n_classes):
        return self.classifier(net, X_syn, column, n_classes, {"t1": (X_test, y_test)})["t1"]

    def gzsl_classifier(self, net, X_syn, y_syn):
        clf, data = self.clf, self.data
        tests = {part: (clf.scaler_.transform(data[f"X_test_{part}"]).astype(np.float32),
                        clf.class_attributes_.index_of(data[f"y_test_{part}"]))
                 for part in ("seen", "unseen")}
        accs = self.classifier(net, np.concatenate([self.X_scaled, X_syn]),
                               np.concatenate([self.y_idx, y_syn]), len(clf.classes_), tests)
        s, u = accs["seen"][-1], accs["unseen"][-1]
        h = [2 * a * b / (a + b) if a + b else 0.0
             for a, b in zip(accs["seen"], accs["unseen"], strict=True)]
        return {"gzsl_seen_last": s, "gzsl_unseen_last": u, "gzsl_h_last": h[-1],
                "gzsl_h_test_selected": max(h)}


def official_settings(dataset, backbone):
    """The official script's settings for ``dataset``: the library's preset (its backbone
    object included), less what each run sets itself."""
    preset = generative_preset(dataset, backbone=backbone)
    return {k: v for k, v in preset.items() if k not in ("random_state", "max_epochs")}


def setup(dataset, backbone, epochs, seed):
    """The estimator with the official settings, and its data."""
    data = load_sun_attribute_benchmark() if dataset == "SUN" else load_cub_standin()
    clf = CLSWGANClassifier(data.class_attributes, max_epochs=epochs, random_state=seed,
                            device="cpu", verbose=0, **official_settings(dataset, backbone))
    return data, clf


def run(backbone, epochs, seed, threads=1, dataset="SUN", gzsl=True):
    torch.set_num_threads(threads)
    data, clf = setup(dataset, backbone, epochs, seed)
    t_start = time.process_time()
    # fit's generator stage, with the probe on the generator net alone
    net = clf.build_generator_net(data.X_trainval, data.y_trainval)
    probe = Probe(clf, data, seed, gzsl_after=epochs if gzsl else None)
    net.set_params(callbacks=[*net.callbacks, ("probe", probe)])
    clf.fit_generator(data.X_trainval, data.y_trainval, generator_net=net)
    return {"backbone": backbone, "dataset": dataset, "seed": seed, "epochs": probe.rows,
            "process_cpu_s": time.process_time() - t_start,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _mean_sd(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    return float(np.mean(values)), float(np.std(values, ddof=1)) if len(values) > 1 else None


def report(skzsl_files, official_summary):
    """Markdown: per-epoch ZSL T1 of skzsl and of the official code, mean and sd over seeds."""
    runs = [json.loads(Path(f).read_text()) for f in skzsl_files]
    official = json.loads(Path(official_summary).read_text())["per_seed"] if official_summary \
        else {}
    epochs = sorted({row["epoch"] for run_ in runs for row in run_["epochs"]})
    seeds = [run_["seed"] for run_ in runs]
    lines = [f"| epoch | skzsl, seeds {', '.join(map(str, seeds))} | skzsl mean | skzsl sd | "
             "official mean | official sd | difference | within one official sd |",
             "|---|---|---|---|---|---|---|---|"]
    for epoch in epochs:
        ours = [next((r["zsl_t1"] for r in run_["epochs"] if r["epoch"] == epoch), None)
                for run_ in runs]
        theirs = [next((r["zsl_T1"] for r in seed["rows"] if r["epoch"] == epoch), None)
                  for seed in official.values()]
        m, sd = _mean_sd(ours)
        om, osd = _mean_sd(theirs)
        diff = None if om is None else m - om
        ok = "" if osd is None else ("yes" if abs(diff) <= osd else "no")
        fmt = lambda v: "" if v is None else f"{v:.3f}"  # noqa: E731
        lines.append(f"| {epoch} | {' / '.join(fmt(v) for v in ours)} | {fmt(m)} | {fmt(sd)} | "
                     f"{fmt(om)} | {fmt(osd)} | {'' if diff is None else f'{diff:+.3f}'} | "
                     f"{ok} |")
    gzsl = [(run_["seed"], run_["epochs"][-1]) for run_ in runs
            if "gzsl_h_last" in run_["epochs"][-1]]
    theirs = [(seed, info["rows"][-1]) for seed, info in official.items()
              if info["rows"] and "gzsl_last_H" in info["rows"][-1]]
    if gzsl or theirs:
        lines += ["", "GZSL at seen bias 0, the final classifier's last epoch, after the last "
                  "generator epoch:", "", "| code | seed | S | U | H |", "|---|---|---|---|---|"]
        lines += [f"| skzsl | {seed} | {row['gzsl_seen_last']:.3f} | "
                  f"{row['gzsl_unseen_last']:.3f} | {row['gzsl_h_last']:.3f} |"
                  for seed, row in gzsl]
        lines += [f"| official | {seed} | {row['gzsl_last_S']:.3f} | {row['gzsl_last_U']:.3f} | "
                  f"{row['gzsl_last_H']:.3f} |" for seed, row in theirs]
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["report"]:
        parser = common.parser("parity_skzsl report", "Markdown table of parity runs.")
        parser.add_argument("files", nargs="+", type=Path, help="parity_skzsl outputs")
        parser.add_argument("--official", default=None,
                            help="summary.json of parity_official run (or merge)")
        parser.add_argument("--out", default=None, help="also write the markdown here")
        args = parser.parse_args(argv[1:])
        common.write(report(args.files, args.official), args.out)
        return
    parser = common.parser("parity_skzsl", __doc__)
    parser.add_argument("--backbone", choices=["fvaegan", "tfvaegan"], required=True)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=4115)
    parser.add_argument("--dataset", choices=["SUN", "CUB"], default="SUN",
                        help="SUN-A, or the CUB stand-in (synthetic 2048-d features)")
    parser.add_argument("--no-gzsl", dest="gzsl", action="store_false",
                        help="skip the GZSL classifier after the last epoch")
    parser.add_argument("--out", type=Path, required=True, help="the JSON written")
    common.add_threads(parser, default=1)
    common.add_data_dir(parser)
    args = common.apply(parser.parse_args(argv))
    result = run(args.backbone, args.epochs, args.seed, args.threads, args.dataset, args.gzsl)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print(f"peak RSS {result['peak_rss_mib']:.0f} MiB; wrote {args.out}")


if __name__ == "__main__":
    main()
