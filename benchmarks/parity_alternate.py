"""CPU time and peak memory, skzsl against the official code, in one alternated run.

Runs, in turns, the patched official code (``parity_official run``) and
skzsl (``parity_skzsl``) on SUN-A with the same backbone, settings, seed and
number of epochs, ``--rounds`` times each, one thread per process, one process
at a time. Each process reports per-epoch CPU seconds (``time.process_time``)
of the generator epoch and of the ZSL classifier (both evaluate the test split
after every classifier epoch, as the official code does) and, for the GZSL
classifier (real seen + synthetic unseen, all 717 classes, 25 epochs), the
official code's per-epoch figure (which also scores the test split after each
classifier epoch) and skzsl's final classifier of ``fit`` (which does not);
peak RSS comes from ``os.wait4`` of each process. Ratios are skzsl / official
of the medians.

Usage (from the repository root; ``<workdir>`` holds the patched official copy and
the data of ``parity_official``)::

    python -m benchmarks parity_alternate --workdir <workdir> --official tfvaegan_cpu \\
        --dataroot suna_data --variant fvaegan --epochs 2 --rounds 2 --out parity_alternate
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from . import common


def run(cmd, log):
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    t0 = time.time()
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env,
                                cwd=common.REPO)
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"failed: {' '.join(cmd)} (see {log})")
    return {"wall_s": time.time() - t0, "peak_rss_mib": usage.ru_maxrss / 1024}


def official(args, out):
    folder = out / "official"
    info = run([sys.executable, "-m", "benchmarks", "parity_official", "run", "--official",
                args.official, "--dataroot", args.dataroot, "--variant", args.variant,
                "--epochs", str(args.epochs), "--seeds", str(args.seed),
                *(["--gzsl"] if args.gzsl else []), "--out", str(folder)],
               out / "official.log")
    rows = json.loads((folder / "summary.json").read_text())["per_seed"][str(args.seed)]["rows"]
    return {**info, "gen_cpu_s": [r["gen_cpu_s"] for r in rows],
            "zsl_cls_cpu_s": [r["zsl_cls_cpu_s"] for r in rows],
            "gzsl_cls_cpu_s": [r["gzsl_cls_cpu_s"] for r in rows if "gzsl_cls_cpu_s" in r],
            "zsl_t1": [r["zsl_T1"] for r in rows]}


def skzsl(args, out):
    result = out / "skzsl.json"
    info = run([sys.executable, "-m", "benchmarks", "parity_skzsl", "--backbone", args.variant,
                "--epochs", str(args.epochs), "--seed", str(args.seed), "--out", str(result),
                *([] if args.gzsl else ["--no-gzsl"])], out / "skzsl.log")
    rows = json.loads(result.read_text())["epochs"]
    return {**info, "gen_cpu_s": [r["gen_cpu_s"] for r in rows],
            "zsl_cls_cpu_s": [r["zsl_cls_cpu_s"] for r in rows],
            "gzsl_cls_cpu_s": [r["gzsl_cls_cpu_s"] for r in rows if "gzsl_cls_cpu_s" in r],
            "zsl_t1": [r["zsl_t1"] for r in rows]}


def main(argv=None):
    parser = common.parser("parity_alternate", __doc__)
    parser.add_argument("--official", required=True, help="patched copy (parity_official patch)")
    parser.add_argument("--dataroot", required=True, help="folder of parity_official data")
    parser.add_argument("--variant", choices=["fvaegan", "tfvaegan"], default="fvaegan")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=4115)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-gzsl", dest="gzsl", action="store_false",
                        help="neither side trains the GZSL classifier (TF-VAEGAN's, on 4300-d "
                             "inputs, costs more CPU than a generator epoch)")
    parser.add_argument("--out", type=Path, required=True)
    common.add_workdir(parser)
    common.add_data_dir(parser)
    args = common.under_workdir(common.apply(parser.parse_args(argv)), "official", "dataroot",
                                "out")
    runs = {"official": [], "skzsl": []}
    for r in range(args.rounds):
        for side, fn in (("official", official), ("skzsl", skzsl)):
            folder = args.out / f"round{r}_{side}"
            folder.mkdir(parents=True, exist_ok=True)
            runs[side].append(fn(args, folder))
            print(side, r, json.dumps(runs[side][-1]), flush=True)
    table = {}
    for key in ("gen_cpu_s", "zsl_cls_cpu_s", "gzsl_cls_cpu_s", "peak_rss_mib"):
        values = {side: [v for run_ in runs[side] for v in
                         (run_[key] if isinstance(run_[key], list) else [run_[key]])]
                  for side in runs}
        if not all(values.values()):
            continue  # the GZSL classifier under --no-gzsl
        medians = {side: statistics.median(v) for side, v in values.items()}
        table[key] = {"official_median": medians["official"], "skzsl_median": medians["skzsl"],
                      "ratio": medians["skzsl"] / medians["official"],
                      "n": {side: len(v) for side, v in values.items()}}
        print(f"{key}: official {medians['official']:.2f}, skzsl {medians['skzsl']:.2f}, "
              f"ratio {table[key]['ratio']:.2f}")
    (args.out / "alternate.json").write_text(json.dumps({"args": vars(args) | {"out": str(
        args.out)}, "runs": runs, "table": table}, indent=1))


if __name__ == "__main__":
    main()
