"""Closed-form baselines (ESZSL, SAE) on SUN-A and the CUB stand-in, validation-only protocol.

Each (dataset, method) runs in a fresh process, so its peak resident memory is
its own. Prints a markdown table for BENCHMARKS.md.

Usage (from the repository root)::

    python -m benchmarks baselines [--methods eszsl,sae] [--dataset sun cub]
"""

import multiprocessing
import sys
import time

from . import common

DATASETS = {
    "sun": "SUN attribute-annotation benchmark (per-image human attribute annotations; "
           "NOT image features)",
    "cub": "CUB-shaped stand-in (real CUB labels, splits, attributes; synthetic 2048-d features)",
}


def load(dataset):
    from .standins import load_cub_standin, load_sun_attribute_benchmark

    return load_sun_attribute_benchmark() if dataset == "sun" else load_cub_standin()


def run_one(dataset, method, data_dir):
    common.apply(type("Args", (), {"data_dir": data_dir})())
    row = common.protocol_row(method, load(dataset))
    row.pop("estimator")
    row["dataset"] = dataset
    return row


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = common.parser("baselines", __doc__)
    parser.add_argument("--methods", default="eszsl,sae",
                        help=f"comma-separated, of {sorted(common.BASELINE_GRIDS)}")
    parser.add_argument("--dataset", nargs="+", choices=sorted(DATASETS), default=["sun", "cub"])
    parser.add_argument("--out", default=None, help="also write the markdown here")
    common.add_data_dir(parser)
    args = common.apply(parser.parse_args(argv))
    ctx = multiprocessing.get_context("spawn")
    lines = [f"Date: {time.strftime('%Y-%m-%d')}; machine: {common.machine()}",
             f"Command: {common.command('baselines', argv)}", ""]
    for dataset in args.dataset:
        rows = []
        for method in args.methods.split(","):
            with ctx.Pool(1) as pool:
                rows.append(pool.apply(run_one, (dataset, method, args.data_dir)))
        lines += [f"### {DATASETS[dataset]}", "",
                  common.format_table(rows, ("method", "ZSL_T1", "S", "U", "H", "AUSUC", "fit_s",
                                             "select_s", "peak_rss_MiB", "params",
                                             "seen_bias")), ""]
    common.write("\n".join(lines), args.out)


if __name__ == "__main__":
    main()
