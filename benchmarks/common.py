"""Conventions shared by every benchmark: flags, the shared data folder, output."""

import argparse
import datetime
import os
import platform
import resource
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"


def default_data_dir():
    """``$SKZSL_SHARED_DATA``, else ``../shared/data`` next to the repository."""
    return Path(os.environ.get("SKZSL_SHARED_DATA", REPO.parent / "shared" / "data"))


def parser(name, doc, **kwargs):
    """An argument parser for benchmark ``name`` (its module docstring as the help)."""
    lines = (doc or "").strip().splitlines()
    return argparse.ArgumentParser(
        prog=f"python -m benchmarks {name}", description=lines[0] if lines else None,
        epilog="\n".join(lines[1:]).strip() or None,
        formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)


def add_data_dir(p):
    p.add_argument("--data-dir", type=Path, default=None,
                   help="the shared data folder (default: $SKZSL_SHARED_DATA, else "
                        "../shared/data next to the repository)")


def add_threads(p, default=None):
    p.add_argument("--threads", type=int, default=default,
                   help="torch threads (1 avoids oversubscription on a shared machine)"
                        + ("" if default is None else f"; default {default}"))


def apply(args):
    """Act on the shared flags once parsed: the data folder and the torch threads."""
    if getattr(args, "data_dir", None) is not None:
        os.environ["SKZSL_SHARED_DATA"] = str(Path(args.data_dir).resolve())
    if getattr(args, "threads", None):
        import torch

        torch.set_num_threads(args.threads)
    return args


def command(name, argv):
    """The command line that reproduces a run, as BENCHMARKS.md quotes it."""
    return " ".join(["python -m benchmarks", name, *argv])


def machine():
    import torch

    load = os.getloadavg()[0]
    gpu = f", GPU {torch.cuda.get_device_name(0)}" if torch.cuda.is_available() else ""
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, torch {torch.__version__} with "
            f"{torch.get_num_threads()} thread(s), load average {load:.1f} at start{gpu}")


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def format_table(rows, columns):
    """Result rows (dicts) as a markdown table."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [f"{row[c]:.3f}" if isinstance(row[c], (float, np.floating)) else str(row[c])
                 for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write(text, out):
    """Print ``text`` and, with ``out``, write it there too."""
    print(text)
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text + "\n")


# the grids `skzsl benchmark` searches for the closed-form baselines (its METHODS)
GRID = [10.0 ** k for k in range(-3, 4)]
BASELINE_GRIDS = {
    "eszsl": ("ESZSLClassifier", {"feature_reg": GRID, "semantic_reg": GRID}),
    "sae": ("SAEClassifier", {"reg": [0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0],
                              "direction": ["s2f", "f2s"]}),
}


def protocol_row(method, data, *, estimator=None, param_grid=None, random_state=0):
    """One result row of :func:`skzsl.model_selection.gzsl_protocol`: ``method`` names a
    baseline of :data:`BASELINE_GRIDS` (its grid searched), or labels ``estimator``."""
    import skzsl
    from skzsl.model_selection import gzsl_protocol

    if estimator is None:
        class_name, grid = BASELINE_GRIDS[method]
        estimator = getattr(skzsl, class_name)()
        param_grid = grid if param_grid is None else param_grid
    result = gzsl_protocol(estimator, data, param_grid=param_grid or {},
                           random_state=random_state)
    return {"method": method, **result, "peak_rss_MiB": peak_rss_mib()}


def best_validation_h(y_true, scores, classes, seen_classes):
    """H at the seen bias that maximises it on these data (the exact seen-unseen curve,
    as ``early_stopping`` scores an epoch)."""
    from skzsl.metrics import harmonic_mean, seen_unseen_curve

    _, seen, unseen = seen_unseen_curve(y_true, scores, classes=classes,
                                        seen_classes=seen_classes)
    return float(max(harmonic_mean(s, u) for s, u in zip(seen, unseen, strict=True)))


def validation_zsl(y_true, scores, estimator):
    """ZSL top-1 (mean per class) on the samples of classes the estimator did not see,
    their scores restricted to its unseen classes."""
    unseen = np.isin(estimator.classes_, estimator.unseen_classes_)
    held_out = ~np.isin(y_true, estimator.seen_classes_)
    pred = estimator.classes_[unseen][scores[held_out][:, unseen].argmax(1)]
    return float(np.mean([np.mean(pred[y_true[held_out] == c] == c)
                          for c in np.unique(y_true[held_out])]))


def add_workdir(p):
    p.add_argument("--workdir", type=Path, default=Path("."),
                   help="folder that relative paths of the other flags are under "
                        "(the official code's copy, its data, the runs; default: .)")


def under_workdir(args, *names):
    """The path flags ``names`` of ``args``, relative ones under ``--workdir``, made absolute."""
    for name in names:
        value = getattr(args, name, None)
        if value is None:
            continue
        if isinstance(value, list):
            setattr(args, name, [str((args.workdir / v).resolve()) for v in value])
        else:
            path = (args.workdir / value).resolve()
            setattr(args, name, path if isinstance(value, Path) else str(path))
    return args
