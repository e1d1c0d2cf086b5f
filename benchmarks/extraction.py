"""ImageFeatureExtractor: throughput against a bare torchvision loop, and peak memory.

Two measurements in one run (issue #22):

1. Throughput. The same ResNet-101 (random weights: the speed does not depend
   on them) extracts pooled 2048-d features at 224 px from ``--images`` JPEG
   files: once through ``ImageFeatureExtractor.transform`` (decoding in
   ``--n-jobs`` worker processes), once as a bare loop over tensors decoded
   and preprocessed beforehand (the loop the issue asks to match:
   ``model(batch).mean((2, 3))`` under ``torch.inference_mode``). The two
   alternate ``--repeats`` times; the median ratio of the pairs (wall clock,
   and CPU time of the main process, which other jobs on the machine disturb
   less) is the library's overhead. The decoding workers' CPU time is shown
   apart: it is the decoding the bare loop was spared.
2. Peak memory with ``output_file``. Child processes extract region maps of
   ``--memory-images`` and 4x as many images with a one-convolution backbone
   that makes large maps (256 x 56 x 56 floats, 3.2 MB an image), writing to a
   ``.npy`` file and, for contrast, returning the array in memory; each child
   reports its peak resident memory (``ru_maxrss``).

Run from the repository root::

    python -m benchmarks.extraction
    python -m benchmarks.extraction --images 32 --repeats 5 --memory-images 50
"""

import argparse
import contextlib
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from torch import nn

from skzsl.feature_extraction import ImageFeatureExtractor

from . import common


def write_jpegs(folder, n, seed=0):
    """``n`` smooth random RGB JPEGs of 500 x 375 (the typical CUB image size)."""
    from PIL import Image

    rng = np.random.RandomState(seed)
    paths = []
    for i in range(n):
        coarse = rng.randint(0, 256, (12, 16, 3), dtype=np.uint8)
        image = Image.fromarray(coarse).resize((500, 375), Image.BILINEAR)
        path = os.path.join(folder, f"image_{i:05d}.jpg")
        image.save(path, quality=90)
        paths.append(path)
    return paths


def bare_loop(module, tensors, batch_size):
    """The reference: the same module over already-decoded tensors, pooled as torchvision."""
    out = []
    with torch.inference_mode():
        for start in range(0, len(tensors), batch_size):
            batch = torch.stack(tensors[start:start + batch_size])
            out.append(module(batch).mean(dim=(2, 3)).numpy())
    return np.concatenate(out)


def throughput(args):
    with tempfile.TemporaryDirectory() as folder:
        paths = write_jpegs(folder, args.images)
        extractor = ImageFeatureExtractor(
            "resnet101", weights=None, random_state=0, batch_size=args.batch_size,
            n_jobs=args.n_jobs, device="cpu", verbose=0).fit(paths)
        started = time.perf_counter()
        tensors = [extractor.preprocess(p) for p in paths]
        decode_s = time.perf_counter() - started
        bare_loop(extractor.module_, tensors[:args.batch_size], args.batch_size)  # warm-up
        runs = {"extractor": [], "bare": []}
        for _ in range(args.repeats):
            with _timed(runs["extractor"]):
                ours = extractor.transform(paths)
            with _timed(runs["bare"]):
                reference = bare_loop(extractor.module_, tensors, args.batch_size)
        np.testing.assert_allclose(ours, reference, rtol=1e-4, atol=1e-5)
    ratios = {kind: statistics.median(a[kind] / b[kind] for a, b in
                                      zip(runs["extractor"], runs["bare"], strict=True))
              for kind in ("wall", "cpu")}
    return dict(decode_s=decode_s, runs=runs, ratios=ratios)


@contextlib.contextmanager
def _timed(records):
    """Record wall seconds, CPU seconds of this process (all its threads) and of its children.

    The children are the DataLoader's decoding workers, reaped when an
    extraction ends.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    yield
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    records.append(dict(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu,
                        workers=(after.ru_utime + after.ru_stime)
                        - (children.ru_utime + children.ru_stime)))


class WideMaps(nn.Module):
    """One strided convolution: 256 x 56 x 56 region maps at 224 px, at little cost."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 256, 4, stride=4)

    def forward(self, x):
        return self.conv(x)


def _status_mib(field):
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def memory_child(n_images, to_file, folder):
    """Extract region maps of ``n_images`` files; print RSS before and peak RSS during, MiB.

    Importing torch peaks higher than an extraction of a few hundred images,
    so the peak is reset (``/proc/self/clear_refs``, Linux) once the model is
    loaded: what is measured is the extraction alone.
    """
    paths = write_jpegs(folder, n_images, seed=1)
    output_file = os.path.join(folder, "maps.npy") if to_file else None
    extractor = ImageFeatureExtractor(WideMaps(), output="regions", image_size=224,
                                      batch_size=16, output_file=output_file, n_jobs=1,
                                      device="cpu", verbose=0).fit(paths)
    before = _status_mib("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    maps = extractor.transform(paths)
    peak = _status_mib("VmHWM")
    print(f"{before:.1f} {peak:.1f} {maps.nbytes / 2**20:.1f}")


def peak_memory(n_images, to_file):
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks", "extraction", "memory-child",
             str(n_images), str(int(to_file)), folder],
            capture_output=True, text=True, check=True)
    return [float(v) for v in done.stdout.split()]


def main(argv=None):
    parser = common.parser("extraction", __doc__)
    parser.add_argument("what", nargs="*", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--images", type=int, default=32,
                        help="JPEG files for the throughput comparison (default: 32)")
    parser.add_argument("--batch-size", type=int, default=16, help="(default: 16)")
    parser.add_argument("--n-jobs", type=int, default=None,
                        help="decoding workers of the extractor (default: None, one)")
    parser.add_argument("--repeats", type=int, default=5,
                        help="alternated timings of each side (default: 5)")
    parser.add_argument("--memory-images", type=int, default=50,
                        help="images of the smaller memory run; the larger has 4x "
                             "(default: 50)")
    args = parser.parse_args(argv)
    if args.what and args.what[0] == "memory-child":
        memory_child(int(args.what[1]), bool(int(args.what[2])), args.what[3])
        return

    print(f"{platform.node()}: {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, torch {torch.__version__}, "
          f"{torch.get_num_threads()} torch threads")
    load = f"{os.getloadavg()[0]:.2f}"
    result = throughput(args)
    n = args.images
    print(f"\nThroughput, ResNet-101 pooled at 224 px, {n} JPEGs of 500 x 375, batch "
          f"{args.batch_size}, CPU, {args.repeats} alternated runs of each side (medians)")
    print("| side | wall s | images/s | CPU s, main process | CPU s, decoding workers |\n"
          "|---|---|---|---|---|")
    for side, label in (("extractor", "ImageFeatureExtractor.transform (files)"),
                        ("bare", "bare loop (tensors decoded beforehand)")):
        runs = result["runs"][side]
        wall, cpu, workers = (statistics.median(r[k] for r in runs)
                              for k in ("wall", "cpu", "workers"))
        print(f"| {label} | {wall:.2f} | {n / wall:.2f} | {cpu:.2f} | {workers:.2f} |")
    ratios = result["ratios"]
    print(f"extractor / bare, median of the alternated pairs: wall {ratios['wall']:.3f}, "
          f"main-process CPU {ratios['cpu']:.3f}; load average before / after: "
          f"{load} / {os.getloadavg()[0]:.2f}")
    print(f"decoding and preprocessing alone, in one process: {result['decode_s']:.2f} s "
          f"({n / result['decode_s']:.0f} images/s)")
    print("every run (s):", {side: [(round(r["wall"], 2), round(r["cpu"], 2))
                                    for r in runs] for side, runs in result["runs"].items()})

    print("\nResident memory of the main process during transform, region maps "
          "256 x 56 x 56 (3.2 MB an image), batch 16, one decoding worker")
    print("| images | output | output (MiB) | RSS before (MiB) | peak RSS (MiB) | increase "
          "(MiB) |\n|---|---|---|---|---|---|")
    for n_images in (args.memory_images, 4 * args.memory_images):
        for to_file in (True, False):
            before, peak, size = peak_memory(n_images, to_file)
            where = "output_file (.npy)" if to_file else "in memory"
            print(f"| {n_images} | {where} | {size:.0f} | {before:.0f} | {peak:.0f} | "
                  f"{peak - before:.0f} |")

if __name__ == "__main__":
    main()
