"""The skzsl command.

skzsl benchmark fits methods on a dataset with the validation-only protocol
(hyperparameters and seen_bias chosen on training classes, one final score
on test) and prints ZSL T1, GZSL S / U / H and fit seconds.

skzsl extract rebuilds the image features of an xlsa17 benchmark from its
images, in res101.mat row order, for ``skzsl benchmark --features``.

Only argparse and skzsl's version are imported at start: numpy, pandas,
scikit-learn and torch are imported when a command runs, so that
``skzsl --help`` answers at once.
"""

import argparse
import contextlib
import os
import sys
import time

from . import __version__

__all__ = ["main"]

XLSA17 = ("AWA1", "AWA2", "CUB", "SUN", "FLO", "APY")
# the datasets whose image releases skzsl.feature_extraction.IMAGE_LAYOUTS maps
IMAGE_DATASETS = ("CUB", "AWA2", "SUN", "FLO")
DATASETS = ("moving-digits", "digits", "synthetic")
# kept in step with skzsl._benchmark (METHODS, DEFAULT_METHODS), which imports
# scikit-learn; a test checks that they agree
METHOD_NAMES = ("eszsl", "sae", "clswgan", "sddn", "semantic_kd", "msdn", "msdn++")
DEFAULT_METHODS = ("eszsl", "sae", "sddn", "msdn")
OUTPUT_SUFFIXES = (".csv", ".json")


class _UsageError(Exception):
    """A wrong argument, found before any work: one line on stderr, exit status 2."""


def _check_args(args):
    """Check every argument, and that the output file can be written, before any work.

    Returns the methods to run and the --grid override (None: each method's own).
    """
    methods = [m.strip().lower() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in METHOD_NAMES]
    if unknown or not methods:
        raise _UsageError(f"unknown method(s) {unknown}; choose from {', '.join(METHOD_NAMES)}.")
    grid = _parse_grid(args.grid) if args.grid else None
    embedded = args.dataset in DATASETS
    if not embedded and args.dataset.upper() not in XLSA17:
        raise _UsageError(f"unknown dataset {args.dataset!r}; use "
                          f"{', '.join(map(repr, DATASETS))} or one of {', '.join(XLSA17)}.")
    given = [f"--{name.replace('_', '-')}" for name in ("features", "semantics", "data_home")
             if getattr(args, name) is not None]
    if embedded and given:
        raise _UsageError(
            f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} only for the xlsa17 "
            f"datasets ({', '.join(XLSA17)}); "
            f"--dataset {args.dataset} is embedded, with its own features and class table. "
            "Drop them, or name an xlsa17 dataset.")
    if args.features is not None and not os.path.isfile(args.features):
        raise _UsageError(f"--features {args.features}: no such file.")
    if args.output is not None:
        _check_output(args.output)
    return methods, grid


def _check_output(path):
    """The --output file must be writable now, not found unwritable after the run."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.splitext(path)[1] not in OUTPUT_SUFFIXES:
        problem = "must end in .csv or .json"
    elif os.path.isdir(path):
        problem = "is a folder; give a file name ending in .csv or .json"
    elif os.path.exists(folder) and not os.path.isdir(folder):
        problem = f"cannot be written: {folder} is a file, not a folder"
    elif not os.path.isdir(folder):
        problem = f"cannot be written: the folder {folder} does not exist; create it first"
    elif not os.access(path if os.path.exists(path) else folder, os.W_OK):
        problem = "cannot be written: permission denied"
    else:
        return
    raise _UsageError(f"--output {path} {problem}.")


def _load(args, regions=False):
    from .datasets import (
        load_digits_zsl,
        load_moving_digits_zsl,
        load_xlsa17,
        make_zsl_classification,
    )

    name = args.dataset
    if name == "moving-digits":
        return load_moving_digits_zsl(return_regions=regions, random_state=args.random_state)
    if name == "digits":
        # the window layout: chosen over 3x3 patches for MSDN on validation (BENCHMARKS.md)
        return load_digits_zsl(return_regions=regions, region_layout="window")
    if name == "synthetic":
        data = make_zsl_classification(n_samples=1200, n_regions=4 if regions else None,
                                       random_state=args.random_state)
        data.X_trainval, data.y_trainval = data.X_train, data.y_train
        return data
    return load_xlsa17(name, data_home=args.data_home, semantics=args.semantics or "att",
                       features=args.features)


def _parse_grid(text):
    """``name=v1,v2;name2=v3`` -> {name: [values]} (values parsed as JSON when possible)."""
    grid = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if "=" not in part:
            raise _UsageError(f"--grid part {part!r} is not name=v1,v2,...")
        key, values = part.split("=", 1)
        grid[key.strip()] = [_value(v) for v in values.split(",")]
    return grid


def _value(text):
    import json

    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text.strip()


class _Progress:
    """Stage lines on stderr: method i/n, stage, and how long the refit should take."""

    def __init__(self, n_methods, quiet):
        self.n_methods, self.quiet, self.index, self.method = n_methods, quiet, 0, None

    def say(self, text):
        if not self.quiet:
            print(f"[{self.index}/{self.n_methods} {self.method}] {text}", file=sys.stderr,
                  flush=True)

    def start(self, method, note=None):
        self.index, self.method, self.started = self.index + 1, method, time.perf_counter()
        if note:
            self.say(note)

    def __call__(self, stage, **info):
        if stage == "select":
            fits = info["n_settings"] * info["n_splits"]
            self.say(f"choosing hyperparameters and seen_bias on validation classes: "
                     f"{info['n_settings']} setting(s) x {info['n_splits']} split(s) = "
                     f"{fits} fit(s)")
            self.fits = fits
        elif stage == "refit":
            per_fit = info["select_s"] / max(self.fits, 1)
            estimate = f", about {per_fit:.0f} s a fit" if per_fit >= 1 else ""
            self.say(f"refitting on all training classes (selection took "
                     f"{info['select_s']:.0f} s{estimate})")
        elif stage == "score":
            self.say("scoring on the test splits")

    def done(self, row):
        self.say(f"done in {time.perf_counter() - self.started:.0f} s (test H {row['H']:.3f})")


def _cpu_note(method, full, epochs):
    """A short note before a neural method trains on a CPU, or None."""
    import torch

    if torch.cuda.is_available():
        return None
    size = ("full-size settings: a fit can take many minutes; --methods narrows the run"
            if full else "CPU-budget settings (--full for the full-size ones)")
    return f"note: trains a neural network on the CPU, {epochs} epochs a fit, {size}"


def _benchmark(args):
    methods, grid = _check_args(args)
    from ._benchmark import NEURAL_METHODS, REGION_METHODS, format_table

    # region methods need (n, regions, features): the digits and synthetic data come
    # in both forms; xlsa17 data are what --features holds
    regions = args.dataset in ("moving-digits", "digits", "synthetic")
    data = {kind: _load(args, regions=kind) for kind in
            {regions and m in REGION_METHODS for m in methods}}
    with _thread_limit(args.threads, any(m in NEURAL_METHODS for m in methods)):
        rows = _run_methods(args, methods, data, grid, regions)
    settings = "full-size" if args.full else "CPU-budget"
    print(f"Dataset: {args.dataset}; {settings} settings; hyperparameters and seen_bias chosen "
          "on validation classes only; scores on the test splits.")
    print(format_table(rows))
    if args.output:
        _write(rows, args.output)
    return rows


@contextlib.contextmanager
def _thread_limit(threads, neural):
    """Limit BLAS / OpenMP (threadpoolctl) and torch threads to ``threads``; None: no limit."""
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    torch = None
    if neural:
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(threads)
    try:
        with threadpool_limits(limits=threads):
            yield
    finally:
        if torch is not None:
            torch.set_num_threads(before)


def _run_methods(args, methods, data, grid, regions):
    from ._benchmark import NEURAL_METHODS, REGION_METHODS, method_settings, run_protocol

    rows = []
    progress = _Progress(len(methods), args.quiet)
    for method in methods:
        note = None
        if method in NEURAL_METHODS:
            fixed = method_settings(method, full=args.full)[1]
            note = _cpu_note(method, args.full, fixed.get("max_epochs", fixed.get("epochs")))
        progress.start(method, note)
        row = run_protocol(method, data[regions and method in REGION_METHODS],
                           param_grid=grid, random_state=args.random_state,
                           n_jobs=args.n_jobs, full=args.full,
                           verbose=0 if args.quiet else 1, progress=progress)
        row.pop("estimator")
        progress.done(row)
        rows.append(row)
    return rows


def _write(rows, path):
    import json
    from pathlib import Path

    import pandas as pd

    path = Path(path)
    frame = pd.DataFrame(rows)
    frame["params"] = frame["params"].map(json.dumps)
    if path.suffix == ".json":
        path.write_text(frame.to_json(orient="records", indent=2))
    else:
        frame.to_csv(path, index=False)


def _extract(args):
    from .feature_extraction import ImageFeatureExtractor, extract_benchmark_features

    weights = None if args.weights.lower() == "none" else args.weights
    extractor = ImageFeatureExtractor(
        args.backbone, weights=weights, output=args.output_kind,
        image_size="auto" if args.image_size is None else args.image_size,
        resize_size=args.resize_size, batch_size=args.batch_size,
        on_error="skip" if args.skip_unreadable else "raise", n_jobs=args.n_jobs,
        # seeded, so that random weights (--weights none) are the same when a run resumes
        device=args.device, random_state=0, verbose=0 if args.quiet else 1)
    try:
        result = extract_benchmark_features(
            args.dataset, args.image_root, args.output, extractor=extractor,
            image_files=args.image_files, data_home=args.data_home, overwrite=args.overwrite)
    except KeyboardInterrupt:
        print(f"skzsl: interrupted; run the same command again to continue where "
              f"{args.output} stopped.", file=sys.stderr)
        return 130
    shape = " x ".join(map(str, result.features.shape))
    print(f"Wrote {shape} float32 features of {args.dataset} to {args.output}, in res101.mat "
          "row order.")
    if result.skipped:
        print(f"{len(result.skipped)} image(s) could not be read; their rows are NaN, listed "
              f"in {args.output}.skipped.txt.")
    print(f"Use them with: skzsl benchmark --dataset {args.dataset} --features {args.output}"
          + (f" --data-home {args.data_home}" if args.data_home else ""))
    return 0


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


# The options of each command: flag, help (it ends with the default, or "(required)") and,
# where argparse's defaults (a string, default None) do not do, its settings.
_BENCHMARK_OPTIONS = (
    ("--dataset",
     "'moving-digits' (embedded: digits at random places on a canvas, regions for the "
     "attention methods), 'digits' (embedded, centred), 'synthetic', or an xlsa17 name "
     f"({', '.join(XLSA17)}) read from --data-home (default: moving-digits)",
     dict(default="moving-digits")),
    ("--data-home", "folder holding the xlsa17 data (default: $SKZSL_DATA, else ~/skzsl_data)"),
    ("--features",
     "your own features for an xlsa17 dataset: a .npy (n_images x d, or region maps) or .mat "
     "file in res101.mat row order, such as 'skzsl extract' writes (default: res101.mat)"),
    ("--semantics",
     "class table of an xlsa17 dataset: att, original_att or sent (CUB only) (default: att)"),
    ("--methods",
     f"comma-separated, from: {', '.join(METHOD_NAMES)} (default: {','.join(DEFAULT_METHODS)})",
     dict(default=",".join(DEFAULT_METHODS))),
    ("--full",
     "the full-size settings and grids instead of the CPU-budget ones (neural fits then take "
     "many times longer on a CPU) (default: off)",
     dict(action="store_true")),
    ("--grid",
     "override the search grid of every method: 'param=v1,v2;param2=v3' (default: each "
     "method's own grid)"),
    ("--random-state",
     "seed of the validation split, the estimators and the moving-digits offsets (default: 0)",
     dict(type=int, default=0)),
    ("--n-jobs",
     "parallel fits during selection, joblib style, -1 for all cores (default: one at a time)",
     dict(type=int)),
    ("--threads",
     "threads for BLAS, OpenMP and torch; 1 is much faster when other jobs share the cores "
     "(default: the libraries' own choice)",
     dict(type=_positive_int)),
    ("--output", "also write the rows to this .csv or .json file (default: none)"),
    ("--quiet", "no progress lines or epoch bars (default: off)", dict(action="store_true")),
)
_EXTRACT_OPTIONS = (
    ("--dataset", "the benchmark (required)", dict(required=True, choices=IMAGE_DATASETS)),
    ("--image-root",
     "the official image release: CUB_200_2011/ (images/), Animals_with_Attributes2/ "
     "(JPEGImages/), SUN (images/) or the flowers (jpg/) (required)",
     dict(required=True)),
    ("--output", "the .npy file to write (required)", dict(required=True)),
    ("--data-home",
     "folder holding the xlsa17 data, whose res101.mat gives the image order (default: "
     "$SKZSL_DATA, else ~/skzsl_data)"),
    ("--image-files",
     "a text file listing the images in row order, one a line, instead of res101.mat "
     "(default: res101.mat's list)"),
    ("--output-kind",
     "pooled vectors (n x C, the res101.mat features) or region maps (n x C x H x W, for "
     "MSDN) (default: pooled)",
     dict(choices=("pooled", "regions"), default="pooled")),
    ("--backbone", "a torchvision classification model (default: resnet101)",
     dict(default="resnet101")),
    ("--weights",
     "torchvision weights name (DEFAULT: torchvision's newest), 'none' for random weights "
     "(seeded), or the path of a state dict file (default: IMAGENET1K_V1, the ImageNet "
     "weights of the references, downloaded on first use)",
     dict(default="IMAGENET1K_V1")),
    ("--image-size",
     "side of the square network input (default: 224 for pooled, 448 for regions)",
     dict(type=_positive_int)),
    ("--resize-size",
     "shorter image side before the centre crop (default: the image size)",
     dict(type=_positive_int)),
    ("--batch-size", "images per forward pass (default: 32)",
     dict(type=_positive_int, default=32)),
    ("--n-jobs", "processes that decode images, -1 for all cores (default: 1)",
     dict(type=int)),
    ("--device", "torch device (default: auto, CUDA when present)", dict(default="auto")),
    ("--skip-unreadable",
     "give a missing or unreadable image a NaN row and list it, instead of stopping "
     "(default: off)",
     dict(action="store_true")),
    ("--overwrite", "replace a finished output file (default: off)", dict(action="store_true")),
    ("--quiet", "no progress bar (default: off)", dict(action="store_true")),
)


def _add_options(parser, options):
    for flag, text, *settings in options:
        parser.add_argument(flag, help=text, **(settings[0] if settings else {}))


def build_parser():
    """The argument parser of the ``skzsl`` command."""
    parser = argparse.ArgumentParser(
        prog="skzsl", description="Generalized zero-shot learning for scikit-learn.",
        epilog="Run 'skzsl benchmark --help' or 'skzsl extract --help' for the options of "
               "each command.")
    parser.add_argument("--version", action="version", version=f"skzsl {__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="command", required=True,
                                help="what to run (required)")
    bench = sub.add_parser(
        "benchmark", help="fit methods with validation-only selection and print test scores",
        description="Fit methods on a dataset, choose hyperparameters and seen_bias on "
                    "validation classes drawn from the training classes only, refit on all "
                    "training classes, and print ZSL T1, GZSL S/U/H, AUSUC and fit seconds "
                    "from one evaluation on test. Test data never take part in a choice.")
    _add_options(bench, _BENCHMARK_OPTIONS)
    _add_extract_parser(sub)
    return parser


def _add_extract_parser(sub):
    extract = sub.add_parser(
        "extract", help="rebuild a benchmark's image features from its images",
        description="Extract image features (pooled vectors or region maps) of an xlsa17 "
                    "benchmark from its official image release with a torchvision backbone, "
                    "and write them to a .npy file in res101.mat row order, for "
                    "'skzsl benchmark --features'. An interrupted run continues when started "
                    "again. Needs torchvision: pip install \"skzsl[vision]\".")
    _add_options(extract, _EXTRACT_OPTIONS)

def main(argv=None):
    """Entry point of the ``skzsl`` command.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    status : int
        0 on success; 2 for a wrong argument (found before any work) and 1
        for an error met while running (a missing or damaged data file, a
        fit that fails), each reported as one line on stderr,
        ``skzsl: error: ...``, without a traceback; 130 after Ctrl-C.

    Examples
    --------
    >>> from skzsl.cli import main
    >>> main(["benchmark", "--methods", "eszsl", "--quiet"])  # doctest: +ELLIPSIS
    Dataset: moving-digits; ...
    | method | ZSL_T1 | S | U | H | AUSUC | fit_s |
    ...
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    import numpy as np

    np.set_printoptions(precision=4)
    try:
        if args.command == "extract":
            return _extract(args)
        _benchmark(args)
    except _UsageError as exc:
        return _error(exc, 2)
    # what a user's data or settings can cause: unreadable files, bad values, a fit
    # whose losses became non-finite, a missing optional dependency
    except (OSError, ValueError, FloatingPointError, ImportError) as exc:
        return _error(exc, 1)
    except KeyboardInterrupt:
        return _error("interrupted.", 130)
    return 0


def _error(message, status):
    print("skzsl: error: " + " ".join(str(message).split()), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
