"""The ``skzsl`` command.

``skzsl benchmark`` fits methods on a dataset with the validation-only protocol
(hyperparameters and ``seen_bias`` chosen on training classes, one final score
on test) and prints ZSL T1, GZSL S / U / H and fit seconds.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from . import __version__
from ._benchmark import METHODS, REGION_METHODS, format_table, run_protocol

__all__ = ["main"]

XLSA17 = ("AWA1", "AWA2", "CUB", "SUN", "FLO", "APY")


def _load(args, regions=False):
    from .datasets import load_digits_zsl, load_xlsa17, make_zsl_classification

    name = args.dataset
    if name == "digits":
        # the window layout: chosen over 3x3 patches for MSDN on validation (BENCHMARKS.md)
        return load_digits_zsl(return_regions=regions, region_layout="window")
    if name == "synthetic":
        data = make_zsl_classification(n_samples=1200, n_regions=4 if regions else None,
                                       random_state=args.random_state)
        data.X_trainval, data.y_trainval = data.X_train, data.y_train
        return data
    if name.upper() in XLSA17:
        return load_xlsa17(name, data_home=args.data_home, semantics=args.semantics,
                           features=args.features)
    raise SystemExit(
        f"skzsl: unknown dataset {name!r}; use 'digits', 'synthetic' or one of "
        f"{', '.join(XLSA17)}."
    )


def _parse_grid(text):
    """``name=v1,v2;name2=v3`` -> {name: [values]} (values parsed as JSON when possible)."""
    grid = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if "=" not in part:
            raise SystemExit(f"skzsl: --grid part {part!r} is not name=v1,v2,...")
        key, values = part.split("=", 1)
        grid[key.strip()] = [_value(v) for v in values.split(",")]
    return grid


def _value(text):
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text.strip()


def _benchmark(args):
    methods = [m.strip().lower() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise SystemExit(f"skzsl: unknown method(s) {unknown}; choose from {sorted(METHODS)}.")
    grid = _parse_grid(args.grid) if args.grid else None
    # region methods need (n, regions, features): digits and synthetic data come
    # in both forms; xlsa17 data are what --features holds
    regions = args.dataset in ("digits", "synthetic")
    data = {kind: _load(args, regions=kind) for kind in
            {regions and m in REGION_METHODS for m in methods}}
    rows = []
    bar = tqdm(methods, desc="methods", disable=args.quiet, leave=False)
    for method in bar:
        bar.set_postfix(method=method)
        row = run_protocol(method, data[regions and method in REGION_METHODS],
                           param_grid=grid, random_state=args.random_state,
                           n_jobs=args.n_jobs)
        row.pop("estimator")
        rows.append(row)
    print(f"Dataset: {args.dataset}; hyperparameters and seen_bias chosen on validation "
          "classes only; scores on the test splits.")
    print(format_table(rows))
    if args.output:
        _write(rows, Path(args.output))
    return rows


def _write(rows, path):
    frame = pd.DataFrame(rows)
    frame["params"] = frame["params"].map(json.dumps)
    if path.suffix == ".json":
        path.write_text(frame.to_json(orient="records", indent=2))
    elif path.suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        raise SystemExit(f"skzsl: --output must end in .csv or .json, got {path.name!r}.")


def build_parser():
    """The argument parser of the ``skzsl`` command."""
    parser = argparse.ArgumentParser(prog="skzsl", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"skzsl {__version__}")
    sub = parser.add_subparsers(dest="command")
    bench = sub.add_parser(
        "benchmark", help="fit methods with validation-only selection and print test scores",
        description="Fit methods on a dataset, choose hyperparameters and seen_bias on "
                    "validation classes only, and print ZSL T1, GZSL S/U/H and fit seconds.")
    bench.add_argument("--dataset", default="digits",
                       help="'digits' (embedded, default), 'synthetic', or an xlsa17 name "
                            f"({', '.join(XLSA17)}) read from --data-home")
    bench.add_argument("--data-home", default=None,
                       help="folder holding the xlsa17 data "
                            "(default: $SKZSL_DATA or ~/skzsl_data)")
    bench.add_argument("--features", default=None,
                       help="your own features: a .npy (n_images x d) or .mat file in "
                            "res101.mat row order")
    bench.add_argument("--semantics", default="att", help="att, original_att or sent (CUB)")
    bench.add_argument("--methods", default="eszsl,sae",
                       help=f"comma-separated, from: {', '.join(sorted(METHODS))}")
    bench.add_argument("--grid", default=None,
                       help="override the search grid: 'param=v1,v2;param2=v3'")
    bench.add_argument("--random-state", type=int, default=0)
    bench.add_argument("--n-jobs", type=int, default=None)
    bench.add_argument("--output", default=None, help="also write the rows to .csv or .json")
    bench.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv=None):
    """Entry point of the ``skzsl`` command.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    status : int
        0 on success.

    Examples
    --------
    >>> from skzsl.cli import main
    >>> main(["benchmark", "--methods", "eszsl", "--quiet"])  # doctest: +ELLIPSIS
    Dataset: digits; ...
    | method | ZSL_T1 | S | U | H | AUSUC | fit_s |
    ...
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    np.set_printoptions(precision=4)
    try:
        _benchmark(args)
    except (FileNotFoundError, ValueError) as exc:
        print(f"skzsl: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
