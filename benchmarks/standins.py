"""Benchmark data built from the real files in ``../shared/data``.

The image features of the xlsa17 benchmarks cannot be had here, everything
else can. Two benchmarks come out of it:

- the SUN attribute-annotation benchmark: real per-image human attribute
  annotations of SUN as inputs, real splits and class attributes. Real, but
  not image-feature GZSL: never compare its numbers with published SUN results.
- a CUB-shaped stand-in: real CUB labels, splits and class attributes, with
  synthetic 2048-d features drawn from a fixed random nonlinear map of each
  image's (jittered) class attributes.

Both are read through ``skzsl.datasets.load_xlsa17`` exactly as a user's data
would be, from a temporary data home holding the real split files and a
``res101.mat`` that carries the real labels.
"""

import tempfile
from pathlib import Path

import numpy as np
from scipy.io import savemat

from skzsl.datasets import load_xlsa17

from .common import default_data_dir


def shared_data():
    """``$SKZSL_SHARED_DATA`` (``--data-dir``) or ``<repo>/../shared/data``; None when absent."""
    path = default_data_dir()
    return path if (path / "xlsa17").is_dir() else None


def xlsa17_home(name, root=None):
    """A data home for ``load_xlsa17(name)``: links to the real split files and a
    ``res101.mat`` with the real labels and a 1-d placeholder feature (the
    features are passed separately)."""
    shared = shared_data()
    if shared is None:
        raise FileNotFoundError(f"{default_data_dir()} holds no xlsa17 folder; pass --data-dir "
                                "or set SKZSL_SHARED_DATA.")
    root = Path(root or tempfile.mkdtemp(prefix="skzsl-standin-"))
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    source = shared / "xlsa17" / name
    for item in source.iterdir():
        if item.suffix in (".mat", ".txt") and not (folder / item.name).exists():
            (folder / item.name).symlink_to(item)
    labels = np.load(source / "res101_meta.npz", allow_pickle=True)["labels"].ravel()
    savemat(folder / "res101.mat", {"features": np.zeros((1, labels.size), np.float32),
                                    "labels": labels.reshape(-1, 1).astype(np.int32)})
    return root


def load_sun_attribute_benchmark(semantics="att"):
    """SUN with per-image attribute annotations (14340 x 102) as the inputs."""
    shared = shared_data()
    X = np.load(shared / "instance_attributes" / "SUN_instance_attributes.npy")
    return load_xlsa17("SUN", data_home=xlsa17_home("SUN"), features=X, semantics=semantics)


def cub_standin_features(n_features=2048, jitter=0.35, noise=1.0, random_state=0):
    """Synthetic features for the 11788 CUB images, in ``res101.mat`` order.

    Each image's class attributes (``original_att`` / 100) are jittered per image
    (annotators disagree), mapped by a fixed random two-layer network and
    rectified like ResNet activations, plus noise. The default jitter and
    noise were set so that ESZSL's ZSL T1 (0.54 at feature_reg=100,
    semantic_reg=1) is close to its published CUB figure (53.9, Xian et al.):
    hard enough to tell methods apart.
    """
    shared = shared_data()
    from scipy.io import loadmat

    att = loadmat(shared / "xlsa17" / "CUB" / "att_splits.mat")["original_att"].T / 100.0
    labels = np.load(shared / "xlsa17" / "CUB" / "res101_meta.npz")["labels"].ravel() - 1
    rng = np.random.default_rng(random_state)
    n_att = att.shape[1]
    W1 = rng.standard_normal((n_att, 1024)) / np.sqrt(n_att) * 3.0
    b1 = rng.standard_normal(1024) * 0.5
    W2 = rng.standard_normal((1024, n_features)) / np.sqrt(1024)
    z = att[labels] + jitter * rng.standard_normal((labels.size, n_att))
    X = np.tanh(z @ W1 + b1) @ W2
    X = np.maximum(X + noise * rng.standard_normal(X.shape), 0.0)
    return X.astype(np.float32)


def load_cub_standin(n_features=2048, random_state=0, semantics="att"):
    """CUB with real labels, splits and attributes and synthetic features."""
    X = cub_standin_features(n_features, random_state=random_state)
    return load_xlsa17("CUB", data_home=xlsa17_home("CUB"), features=X, semantics=semantics)
