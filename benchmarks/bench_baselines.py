"""Closed-form baselines on the two real-data benchmarks, validation-only protocol.

Run from the repository root::

    python benchmarks/bench_baselines.py [--methods eszsl,sae] [--datasets sun,cub]

Each (dataset, method) runs in a fresh process, so its peak resident memory is
its own. Prints a markdown table for BENCHMARKS.md.
"""

import argparse
import multiprocessing
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

DATASETS = {
    "sun": "SUN attribute-annotation benchmark (per-image human attribute annotations; "
           "NOT image features)",
    "cub": "CUB-shaped stand-in (real CUB labels, splits, attributes; synthetic 2048-d features)",
}


def load(dataset):
    from standins import load_cub_standin, load_sun_attribute_benchmark

    return load_sun_attribute_benchmark() if dataset == "sun" else load_cub_standin()


def run_one(dataset, method):
    from skzsl._benchmark import run_protocol

    data = load(dataset)
    row = run_protocol(method, data)
    row.pop("estimator")
    row["dataset"] = dataset
    return row


def machine():
    import torch

    return (f"{platform.processor() or platform.machine()}, {multiprocessing.cpu_count()} cores, "
            f"Python {platform.python_version()}, torch {torch.__version__}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", default="eszsl,sae")
    parser.add_argument("--datasets", default="sun,cub")
    args = parser.parse_args(argv)
    from skzsl._benchmark import format_table

    ctx = multiprocessing.get_context("spawn")
    print(f"Date: {time.strftime('%Y-%m-%d')}; machine: {machine()}")
    print(f"Command: python benchmarks/bench_baselines.py --methods {args.methods} "
          f"--datasets {args.datasets}\n")
    for dataset in args.datasets.split(","):
        rows = []
        for method in args.methods.split(","):
            with ctx.Pool(1) as pool:
                rows.append(pool.apply(run_one, (dataset, method)))
        print(f"### {DATASETS[dataset]}\n")
        print(format_table(rows, columns=("method", "ZSL_T1", "S", "U", "H", "AUSUC", "fit_s",
                                          "select_s", "peak_rss_MiB", "params", "seen_bias")))
        print()


if __name__ == "__main__":
    main()
