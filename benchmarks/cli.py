"""Start-up time of the ``skzsl`` command against a bare Python.

Usage (from the repository root)::

    python -m benchmarks cli [--path CHECKOUT] [--runs 20]

Runs ``python -c pass``, ``python -m skzsl --help``, ``python -m skzsl benchmark
--help`` and ``python -c "import torch"`` ``--runs`` times each in fresh processes
with ``PYTHONPATH=CHECKOUT`` and prints the median wall times, the ratios to
``python -c pass`` and the load average.
"""

import os
import statistics
import subprocess
import sys
import time

from . import common


def _median_seconds(command, env, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = common.parser("cli", __doc__)
    parser.add_argument("--path", default=str(common.REPO),
                        help="checkout holding the skzsl package (default: this one)")
    parser.add_argument("--runs", type=int, default=20, help="runs of each (default: 20)")
    parser.add_argument("--out", default=None, help="also write the line here")
    args = parser.parse_args(argv)
    env = dict(os.environ, PYTHONPATH=args.path)
    py = sys.executable
    bare = _median_seconds([py, "-c", "pass"], env, args.runs)
    help_ = _median_seconds([py, "-m", "skzsl", "--help"], env, args.runs)
    bench = _median_seconds([py, "-m", "skzsl", "benchmark", "--help"], env, args.runs)
    torch = _median_seconds([py, "-c", "import torch"], env, args.runs)
    common.write(f"load {os.getloadavg()[0]:.1f}; python -c pass {bare * 1000:.0f} ms; "
          f"skzsl --help {help_ * 1000:.0f} ms (ratio {help_ / bare:.2f}); "
          f"skzsl benchmark --help {bench * 1000:.0f} ms (ratio {bench / bare:.2f}); "
          f"import torch {torch * 1000:.0f} ms", args.out)


if __name__ == "__main__":
    main()
