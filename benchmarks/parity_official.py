"""Reference side of the issue #11 parity record: the official TF-VAEGAN code on SUN-A and CUB.

This script never ships or copies official code into this repository. It (1) patches a local
copy of the official repository that you fetched yourself, (2) writes the SUN
attribute-annotation benchmark ("SUN-A") in the xlsa17 layout the official loader reads, and
(3) runs the official ``train_images.py`` per seed, at one thread, and parses what it prints
into a CSV and a JSON file.

Reproduce
---------
Official code: github.com/akshitac8/tfvaegan at commit
``a0de81c963b3a6672ebc064ebf1071e52095a6b1`` (the commit RESEARCH-NOTES.md pins)::

    # 1. an unpatched copy outside the repository, in a scratch folder <workdir>
    git clone https://github.com/akshitac8/tfvaegan <workdir>/tfvaegan
    git -C <workdir>/tfvaegan checkout a0de81c963b3a6672ebc064ebf1071e52095a6b1

    # 2. the patched copy (the patches are listed in PATCHES below; each is a literal
    #    string replacement that must match exactly once, so a different commit fails loudly)
    python -m benchmarks parity_official patch --workdir <workdir> tfvaegan tfvaegan_cpu

    # 3. SUN-A in the official layout: <dataroot>/SUN/res101.mat and <dataroot>/SUN/att_splits.mat
    python -m benchmarks parity_official data --workdir <workdir> suna_data

    # 4. runs (1 thread each; nice is up to you)
    OMP_NUM_THREADS=1 nice -n 19 python -m benchmarks parity_official run --workdir <workdir> \
        --official tfvaegan_cpu --dataroot suna_data \
        --variant fvaegan --epochs 10 --seeds 4115 4116 4117 --gzsl \
        --out parity/fvaegan
    OMP_NUM_THREADS=1 nice -n 19 python -m benchmarks parity_official run --workdir <workdir> \
        --official tfvaegan_cpu --dataroot suna_data \
        --variant tfvaegan --epochs 3 --seeds 4115 4116 4117 \
        --out parity/tfvaegan

The CUB stand-in (``benchmarks.standins``: real CUB labels, splits and attributes, synthetic
2048-d features) runs with the official CUB script's settings (``scripts/run_cub_tfvaegan.py``)::

    python -m benchmarks parity_official data --workdir <workdir> cub_standin_data --dataset CUB
    OMP_NUM_THREADS=1 python -m benchmarks parity_official run --workdir <workdir> --dataset CUB \
        --official tfvaegan_cpu --dataroot cub_standin_data \
        --variant fvaegan --epochs 1 --seeds 3483 --gzsl --out parity/cub_3483

Seeds can also run side by side, one ``run`` per seed with its own ``--out``, then
``python -m benchmarks parity_official merge --workdir <workdir> --out <dir> <dir_seed1> ...``
(that is how the BENCHMARKS.md figures were made: CPU time per process is still measured at one
thread, but processes that share cores slow each other, so wall-clock is not comparable).

Variants (all other flags are the official SUN script's, ``scripts/run_sun_tfvaegan.py`` L8-12):

* ``tfvaegan``: the official SUN command unchanged except ``--resSize 102`` (SUN-A inputs are the
  102 annotations), ``--nepoch`` and ``--manualSeed``; feedback loop 2, decoder, feedback at
  synthesis (a2) and decoder features in the final classifier, as in the official code.
* ``fvaegan``: f-VAEGAN as far as the official code can run it: ``--feedback_loop 1`` (no
  feedback pass in training), ``--recons_weight 0`` (no semantic-decoder loss; the decoder's
  Adam steps then see zero gradients and leave it at its initialisation), plus the patched-in
  ``--fvaegan`` flag (patch P8) that synthesises without the feedback module and trains the
  final classifiers on the features alone, not on [x, dec(x), dec hidden]. The official flags
  alone cannot turn the last two off: ``train_images.py`` L265 always passes netF/netDec.
* ``fvaegan_flags``: flags only (``--feedback_loop 1 --a2 0``, decoder trained with
  recons_weight 0.01, decoder features still in the classifier); this is "TF-VAEGAN with the
  feedback module off", not f-VAEGAN.

Outputs (``--out``): ``log_seed<S>.txt`` (the official stdout), ``epochs.csv`` (one row per
seed and epoch: ZSL T1, GZSL S/U/H when ``--gzsl``, CPU seconds of the generator epoch, of
synthesis and of each final classifier), ``summary.json`` (per seed: rows, child CPU time and
peak RSS from ``os.wait4``; per epoch: mean and sample sd over seeds).

What the official code reports, and how it is labelled here: ZSL T1 is the best per-class
top-1 on the test-unseen split over the final classifier's 25 epochs (``classifier_images.py``
L80-85: test-selected); GZSL S/U/H are those of the classifier epoch with the best test H
(L107-116: test-selected). Both are therefore "test-selected", as in the papers.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import scipy.io as sio

from . import common

OFFICIAL_COMMIT = "a0de81c963b3a6672ebc064ebf1071e52095a6b1"

# (file, old, new, why). Each old string must occur exactly once in the pristine copy.
PATCHES: list[tuple[str, str, str, str]] = [
    (
        "config_images.py",
        "parser.add_argument('--cuda', action='store_true', default=True, help='enables cuda')",
        "parser.add_argument('--cuda', action='store_true', default=False, help='enables cuda')",
        "P1 CPU: --cuda is store_true with default True upstream, so it could not be turned off",
    ),
    (
        "config_images.py",
        "parser.add_argument('--freeze_dec', action='store_true', default=False, "
        "help='Freeze Decoder for fake samples')",
        "parser.add_argument('--freeze_dec', action='store_true', default=False, "
        "help='Freeze Decoder for fake samples')\n"
        "parser.add_argument('--fvaegan', action='store_true', default=False, "
        "help='PARITY PATCH: no feedback at synthesis, no decoder features in classifiers')",
        "P2 adds the --fvaegan flag used by P8 (default off: official behaviour)",
    ),
    (
        "train_images.py",
        "from config_images import opt\n",
        "from config_images import opt\nimport time\n",
        "P3 timing instrumentation (import)",
    ),
    (
        "train_images.py",
        "    BCE = torch.nn.functional.binary_cross_entropy(recon_x+1e-12, x.detach(),"
        "size_average=False)",
        "    BCE = torch.nn.functional.binary_cross_entropy(recon_x+1e-12, x.detach(),"
        "reduction='sum')",
        "P4 size_average=False was removed from torch; reduction='sum' is the same sum",
    ),
    (
        "train_images.py",
        "one = torch.FloatTensor([1])",
        "one = torch.tensor(1.0)",
        "P7 backward(one/mone) needs a 0-d grad for a 0-d loss in torch>=0.4 (same value)",
    ),
    (
        "train_images.py",
        "def generate_syn_feature(",
        "@torch.no_grad()\ndef generate_syn_feature(",
        "P5 Variable(volatile=True) has no effect in torch>=0.4; no_grad restores its meaning",
    ),
    (
        "train_images.py",
        "                    eps = Variable(eps.cuda())",
        "                    eps = Variable(eps.cuda() if opt.cuda else eps)",
        "P1 CPU (encoded noise in the critic step)",
    ),
    (
        "train_images.py",
        "            eps = Variable(eps.cuda())",
        "            eps = Variable(eps.cuda() if opt.cuda else eps)",
        "P1 CPU (encoded noise in the generator step)",
    ),
    (
        "train_images.py",
        "for epoch in range(0,opt.nepoch):\n",
        "for epoch in range(0,opt.nepoch):\n    _t_gen = time.process_time()\n",
        "P3 timing: generator epoch start",
    ),
    (
        "train_images.py",
        "(epoch, opt.nepoch, D_cost.data[0], G_cost.data[0], Wasserstein_D.data[0],"
        'vae_loss_seen.data[0]),end=" ")',
        "(epoch, opt.nepoch, D_cost.item(), G_cost.item(), Wasserstein_D.item(),"
        'vae_loss_seen.item()),end=" ")\n'
        "    _t_gen = time.process_time() - _t_gen; _t_gzsl = float('nan')",
        "P6 .data[0] on 0-d tensors fails in torch>=0.5 (.item()); P3 timing: generator epoch end",
    ),
    (
        "train_images.py",
        "    syn_feature, syn_label = generate_syn_feature(netG,data.unseenclasses, "
        "data.attribute, opt.syn_num,netF=netF,netDec=netDec)",
        "    _t_syn = time.process_time()\n"
        "    syn_feature, syn_label = generate_syn_feature(netG,data.unseenclasses, "
        "data.attribute, opt.syn_num,netF=(None if opt.fvaegan else netF),netDec=netDec)\n"
        "    _t_syn = time.process_time() - _t_syn",
        "P8 --fvaegan: synthesise without the feedback module; P3 timing of synthesis",
    ),
    (
        "train_images.py",
        "        gzsl_cls = classifier.CLASSIFIER(train_X, train_Y, data, nclass, opt.cuda, "
        "opt.classifier_lr, 0.5, \\\n"
        "                25, opt.syn_num, generalized=True, netDec=netDec, "
        "dec_size=opt.attSize, dec_hidden_size=4096)",
        "        _t_gzsl = time.process_time()\n"
        "        gzsl_cls = classifier.CLASSIFIER(train_X, train_Y, data, nclass, opt.cuda, "
        "opt.classifier_lr, 0.5, \\\n"
        "                25, opt.syn_num, generalized=True, "
        "netDec=(None if opt.fvaegan else netDec), dec_size=opt.attSize, dec_hidden_size=4096)\n"
        "        _t_gzsl = time.process_time() - _t_gzsl",
        "P8 --fvaegan: GZSL classifier on features only; P3 timing of the GZSL classifier",
    ),
    (
        "train_images.py",
        "    zsl_cls = classifier.CLASSIFIER(syn_feature, util.map_label(syn_label, "
        "data.unseenclasses), \\\n"
        "                    data, data.unseenclasses.size(0), opt.cuda, opt.classifier_lr, "
        "0.5, 25, opt.syn_num, \\\n"
        "                    generalized=False, netDec=netDec, dec_size=opt.attSize, "
        "dec_hidden_size=4096)",
        "    _t_zsl = time.process_time()\n"
        "    zsl_cls = classifier.CLASSIFIER(syn_feature, util.map_label(syn_label, "
        "data.unseenclasses), \\\n"
        "                    data, data.unseenclasses.size(0), opt.cuda, opt.classifier_lr, "
        "0.5, 25, opt.syn_num, \\\n"
        "                    generalized=False, netDec=(None if opt.fvaegan else netDec), "
        "dec_size=opt.attSize, dec_hidden_size=4096)\n"
        "    _t_zsl = time.process_time() - _t_zsl",
        "P8 --fvaegan: ZSL classifier on features only; P3 timing of the ZSL classifier",
    ),
    (
        "train_images.py",
        "    print('ZSL: unseen accuracy=%.4f' % (acc))\n",
        "    print('ZSL: unseen accuracy=%.4f' % (acc))\n"
        "    print('PARITY_TIMING epoch=%d gen_cpu_s=%.3f syn_cpu_s=%.3f gzsl_cls_cpu_s=%.3f "
        "zsl_cls_cpu_s=%.3f lambda1=%.5f' % (epoch, _t_gen, _t_syn, _t_gzsl, _t_zsl, "
        "opt.lambda1), flush=True)\n",
        "P3 timing: one machine-readable line per epoch (process CPU time, 1 thread)",
    ),
    (
        "classifiers/classifier_images.py",
        "            H = 2*acc_seen*acc_unseen / (acc_seen+acc_unseen)\n",
        "            H = 2*acc_seen*acc_unseen / (acc_seen+acc_unseen)\n"
        "            self.last_S, self.last_U, self.last_H = acc_seen, acc_unseen, H\n",
        "P9 instrumentation: keep the S/U/H of the classifier's last epoch (not test-selected)",
    ),
    (
        "train_images.py",
        "        print('GZSL: seen=%.4f, unseen=%.4f, h=%.4f' % (gzsl_cls.acc_seen, "
        'gzsl_cls.acc_unseen, gzsl_cls.H),end=" ")\n',
        "        print('GZSL: seen=%.4f, unseen=%.4f, h=%.4f' % (gzsl_cls.acc_seen, "
        'gzsl_cls.acc_unseen, gzsl_cls.H),end=" ")\n'
        "        print('GZSL_LAST: seen=%.4f, unseen=%.4f, h=%.4f' % (gzsl_cls.last_S, "
        'gzsl_cls.last_U, gzsl_cls.last_H),end=" ")\n',
        "P9 instrumentation: print them beside the official (test-selected) line",
    ),
    (
        "classifiers/classifier_images.py",
        "                mean_loss += loss.data[0]",
        "                mean_loss += loss.item()",
        "P6 .data[0] -> .item()",
    ),
    (
        "classifiers/classifier_images.py",
        "    def val_gzsl(self, test_X, test_label, target_classes): ",
        "    @torch.no_grad()\n    def val_gzsl(self, test_X, test_label, target_classes): ",
        "P5 volatile -> no_grad (evaluation)",
    ),
    (
        "classifiers/classifier_images.py",
        "    def val(self, test_X, test_label, target_classes): ",
        "    @torch.no_grad()\n    def val(self, test_X, test_label, target_classes): ",
        "P5 volatile -> no_grad (evaluation)",
    ),
    (
        "classifiers/classifier_images.py",
        "    def compute_dec_out(self, test_X, new_size):",
        "    @torch.no_grad()\n    def compute_dec_out(self, test_X, new_size):",
        "P5 volatile -> no_grad (decoder features for the classifier)",
    ),
]

# Official SUN command, scripts/run_sun_tfvaegan.py L8-12 (CUDA/OMP env and --cuda dropped).
SUN_FLAGS = [
    "--gammaD", "1", "--gammaG", "1", "--gzsl",
    "--encoded_noise", "--preprocessing", "--image_embedding", "res101",
    "--class_embedding", "att", "--ngh", "4096", "--ndh", "4096", "--lambda1", "10",
    "--critic_iter", "5", "--dataset", "SUN", "--batch_size", "64", "--nz", "102",
    "--latent_size", "102", "--attSize", "102", "--lr", "0.001",
    "--classifier_lr", "0.0005", "--syn_num", "400", "--nclass_all", "717",
    "--recons_weight", "0.01", "--a1", "0.1", "--a2", "0.01", "--feedback_loop", "2",
    "--feed_lr", "0.0001",
]  # fmt: skip

# scripts/run_cub_tfvaegan.py L8-12, as its differences from the SUN flags above
# (``--dataset CUB``: the CUB stand-in)
DATASETS = {
    "SUN": ({}, "102"),
    "CUB": ({"--gammaD": "10", "--gammaG": "10", "--dataset": "CUB", "--nz": "312",
             "--latent_size": "312", "--attSize": "312", "--lr": "0.0001",
             "--classifier_lr": "0.001", "--syn_num": "300", "--nclass_all": "200",
             "--a1": "1", "--a2": "1", "--feed_lr": "0.00001", "--dec_lr": "0.0001"}, "2048"),
}

VARIANTS = {
    "tfvaegan": {},
    "fvaegan": {"--feedback_loop": "1", "--recons_weight": "0", "--fvaegan": None},
    "fvaegan_flags": {"--feedback_loop": "1", "--a2": "0"},
}


def cmd_patch(args: argparse.Namespace) -> None:
    src, dst = Path(args.src), Path(args.dst)
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".git"))
    for fname, old, new, why in PATCHES:
        path = dst / fname
        text = path.read_text()
        n = text.count(old)
        if n != 1:
            sys.exit(f"patch {why!r}: expected 1 match in {fname}, found {n}")
        path.write_text(text.replace(old, new))
        print(f"patched {fname}: {why}")
    (dst / "PARITY_PATCHES.txt").write_text(
        f"patched by skzsl benchmarks/parity_official.py from {OFFICIAL_COMMIT}\n"
        + "\n".join(f"{f}: {why}" for f, _, _, why in PATCHES)
        + "\n"
    )


def cmd_data(args: argparse.Namespace) -> None:
    shared = Path(args.shared)
    if args.dataset == "CUB":
        return write_cub_standin(shared, Path(args.dataroot) / "CUB")
    out = Path(args.dataroot) / "SUN"
    out.mkdir(parents=True, exist_ok=True)
    x = np.load(shared / "instance_attributes" / "SUN_instance_attributes.npy")
    meta = np.load(shared / "xlsa17" / "SUN" / "res101_meta.npz", allow_pickle=True)
    labels = meta["labels"].astype(np.int32)  # 1-based, res101.mat row order
    assert x.shape == (14340, 102) and labels.shape == (14340,)
    # image_util.py L20-21: feature = features.T; label = labels.squeeze() - 1
    sio.savemat(
        out / "res101.mat",
        {"features": x.T.astype(np.float32), "labels": labels.reshape(-1, 1)},
    )
    # image_util.py L22-29 reads trainval/train/val/test_seen/test_unseen_loc and att:
    # the real xlsa17 file carries all of them, so it is copied as is.
    shutil.copyfile(shared / "xlsa17" / "SUN" / "att_splits.mat", out / "att_splits.mat")
    print(f"wrote {out}/res101.mat (features 102 x 14340, 1-based labels) and att_splits.mat")


def write_cub_standin(shared: Path, out: Path) -> None:
    """The CUB stand-in (``standins.cub_standin_features``: real labels, splits and attributes,
    synthetic 2048-d features) in the official layout, ``res101.mat`` row order."""
    from .standins import cub_standin_features  # reads through skzsl's loader

    out.mkdir(parents=True, exist_ok=True)
    x = cub_standin_features()
    meta = np.load(shared / "xlsa17" / "CUB" / "res101_meta.npz", allow_pickle=True)
    labels = meta["labels"].astype(np.int32).ravel()  # 1-based
    assert x.shape == (11788, 2048) and labels.shape == (11788,)
    sio.savemat(out / "res101.mat",
                {"features": x.T.astype(np.float32), "labels": labels.reshape(-1, 1)})
    # image_util.py L36-37 reads train_loc and val_loc even when it does not use them; the shared
    # att_splits.mat lacks them, sent_splits.mat (same splits) has them
    splits = {k: v for k, v in sio.loadmat(shared / "xlsa17" / "CUB" / "att_splits.mat").items()
              if not k.startswith("__")}
    sent = sio.loadmat(shared / "xlsa17" / "CUB" / "sent_splits.mat")
    splits.update(train_loc=sent["train_loc"], val_loc=sent["val_loc"])
    sio.savemat(out / "att_splits.mat", splits)
    print(f"wrote {out}/res101.mat (features 2048 x 11788, 1-based labels) and att_splits.mat")


EPOCH_RE = re.compile(r"\[(\d+)/(\d+)\]\s+Loss_D: (\S+) Loss_G: (\S+), Wasserstein_dist:(\S+), "
                      r"vae_loss_seen:(\S+)")  # fmt: skip
GZSL_RE = re.compile(r"GZSL: seen=(\S+), unseen=(\S+), h=(\S+)")
LAST_RE = re.compile(r"GZSL_LAST: seen=(\S+), unseen=(\S+), h=(\S+)")
ZSL_RE = re.compile(r"ZSL: unseen accuracy=(\S+)")
TIME_RE = re.compile(r"PARITY_TIMING epoch=(\d+) gen_cpu_s=(\S+) syn_cpu_s=(\S+) "
                     r"gzsl_cls_cpu_s=(\S+) zsl_cls_cpu_s=(\S+) lambda1=(\S+)")  # fmt: skip


def parse_log(text: str) -> list[dict]:
    rows, cur = [], {}
    for line in text.splitlines():
        if m := EPOCH_RE.search(line):
            cur = {"epoch": int(m[1]) + 1, "loss_d": float(m[3]), "loss_g": float(m[4]),
                   "wasserstein": float(m[5]), "vae_loss": float(m[6])}  # fmt: skip
        if m := GZSL_RE.search(line):
            cur.update(gzsl_S=float(m[1]), gzsl_U=float(m[2]), gzsl_H=float(m[3]))
        if m := LAST_RE.search(line):
            cur.update(gzsl_last_S=float(m[1]), gzsl_last_U=float(m[2]), gzsl_last_H=float(m[3]))
        if m := ZSL_RE.search(line):
            cur["zsl_T1"] = float(m[1])
        if m := TIME_RE.search(line):
            cur.update(gen_cpu_s=float(m[2]), syn_cpu_s=float(m[3]),
                       gzsl_cls_cpu_s=float(m[4]), zsl_cls_cpu_s=float(m[5]),
                       lambda1=float(m[6]))  # fmt: skip
            rows.append(cur)
            cur = {}
    return rows


def build_cmd(args: argparse.Namespace, seed: int) -> list[str]:
    dataset_flags, res_size = DATASETS[args.dataset]
    flags = list(SUN_FLAGS)
    if not args.gzsl:
        flags.remove("--gzsl")
    for key, val in {**dataset_flags, **VARIANTS[args.variant]}.items():
        if key in flags:
            flags[flags.index(key) + 1] = val
        else:
            flags += [key] if val is None else [key, val]
    flags += ["--resSize", res_size, "--nepoch", str(args.epochs), "--manualSeed", str(seed),
              "--dataroot", str(Path(args.dataroot).resolve())]  # fmt: skip
    return [sys.executable, "-u", "train_images.py", *flags]


def run_child(cmd: list[str], cwd: str, log: Path) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    t0 = time.time()
    with open(log, "w") as fh:
        fh.write("# " + " ".join(cmd) + "\n")
        fh.flush()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
    return {
        "returncode": os.waitstatus_to_exitcode(status),
        "wall_s": time.time() - t0,
        "child_cpu_s": ru.ru_utime + ru.ru_stime,
        "peak_rss_mib": ru.ru_maxrss / 1024.0,  # Linux: KiB
    }


def summarise(per_seed: dict) -> list[dict]:
    keys = ["zsl_T1", "gzsl_S", "gzsl_U", "gzsl_H", "gzsl_last_S", "gzsl_last_U", "gzsl_last_H",
            "gen_cpu_s", "zsl_cls_cpu_s", "lambda1",
            "gzsl_cls_cpu_s"]  # fmt: skip
    epochs = sorted({r["epoch"] for s in per_seed.values() for r in s["rows"]})
    out = []
    for ep in epochs:
        row = {"epoch": ep}
        for k in keys:
            vals = [r[k] for s in per_seed.values() for r in s["rows"]
                    if r["epoch"] == ep and k in r and r[k] == r[k]]  # fmt: skip
            if vals:
                row[k + "_n"] = len(vals)
                row[k + "_mean"] = statistics.fmean(vals)
                row[k + "_sd"] = statistics.stdev(vals) if len(vals) > 1 else float("nan")
        out.append(row)
    return out


def cmd_run(args: argparse.Namespace) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    per_seed: dict = {}
    summary_path = out / "summary.json"
    for seed in args.seeds:
        cmd = build_cmd(args, seed)
        log = out / f"log_seed{seed}.txt"
        print("running:", " ".join(cmd), flush=True)
        info = run_child(cmd, args.official, log)
        info["rows"] = parse_log(log.read_text())
        info["cmd"] = cmd
        per_seed[str(seed)] = info
        msg = f"seed {seed}: rc={info['returncode']} epochs={len(info['rows'])} "
        msg += f"cpu={info['child_cpu_s']:.1f}s rss={info['peak_rss_mib']:.0f}MiB"
        print(msg, flush=True)
        write_outputs(out, args, per_seed, summary_path)


def write_outputs(out: Path, args: argparse.Namespace, per_seed: dict, summary_path: Path):
    fields = ["variant", "seed", "epoch", "zsl_T1", "gzsl_S", "gzsl_U", "gzsl_H", "gzsl_last_S",
              "gzsl_last_U", "gzsl_last_H", "gen_cpu_s",
              "syn_cpu_s", "zsl_cls_cpu_s", "gzsl_cls_cpu_s", "loss_d", "loss_g",
              "wasserstein", "vae_loss", "lambda1"]  # fmt: skip
    with open(out / "epochs.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for seed, info in per_seed.items():
            for r in info["rows"]:
                w.writerow({"variant": args.variant, "seed": seed, **r})
    summary_path.write_text(json.dumps({
        "variant": args.variant, "dataset": args.dataset,
        "official_commit": OFFICIAL_COMMIT, "threads": 1,
        "selection": "test-selected (official: best test epoch of the final classifier)",
        "per_seed": per_seed, "per_epoch": summarise(per_seed),
    }, indent=1))  # fmt: skip


def cmd_merge(args: argparse.Namespace) -> None:
    """Combine the summary.json of runs made in parallel (one folder per seed)."""
    per_seed: dict = {}
    variants = set()
    for folder in args.folders:
        summary = json.loads((Path(folder) / "summary.json").read_text())
        variants.add((summary["variant"], summary.get("dataset", "SUN")))
        per_seed.update(summary["per_seed"])
    if len(variants) != 1:
        sys.exit(f"folders hold different variants or datasets: {sorted(variants)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    args.variant, args.dataset = variants.pop()
    write_outputs(out, args, per_seed, out / "summary.json")
    print(f"merged {len(per_seed)} seeds into {out}")


def main(argv=None) -> None:
    p = common.parser("parity_official", __doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("patch", help="copy the official repo and apply PATCHES")
    a.add_argument("src")
    a.add_argument("dst")
    a.set_defaults(func=cmd_patch)
    a = sub.add_parser("data", help="write SUN-A in the official xlsa17 layout")
    a.add_argument("dataroot", help="folder outside the repository")
    common.add_data_dir(a)
    a.add_argument("--dataset", choices=sorted(DATASETS), default="SUN",
                   help="SUN-A, or the CUB stand-in (synthetic 2048-d features)")
    a.set_defaults(func=cmd_data)
    a = sub.add_parser("run", help="run the patched official code, one child per seed")
    a.add_argument("--official", required=True, help="patched copy (see 'patch')")
    a.add_argument("--dataroot", required=True, help="folder written by 'data'")
    a.add_argument("--variant", choices=sorted(VARIANTS), required=True)
    a.add_argument("--dataset", choices=sorted(DATASETS), default="SUN",
                   help="which official script's settings (and data folder) to use")
    a.add_argument("--epochs", type=int, default=10)
    a.add_argument("--seeds", type=int, nargs="+", default=[4115, 4116, 4117])
    a.add_argument("--gzsl", action="store_true", help="also train the GZSL classifier")
    a.add_argument("--out", required=True)
    a.set_defaults(func=cmd_run)
    a = sub.add_parser("merge", help="merge the summaries of per-seed run folders")
    a.add_argument("--out", required=True)
    a.add_argument("folders", nargs="+")
    a.set_defaults(func=cmd_merge)
    for a in sub.choices.values():
        common.add_workdir(a)
    args = common.apply(p.parse_args(argv))
    if args.cmd == "data":
        args.shared = str(args.data_dir or common.default_data_dir())
    common.under_workdir(args, "src", "dst", "dataroot", "official", "out", "folders")
    args.func(args)


if __name__ == "__main__":
    main()
