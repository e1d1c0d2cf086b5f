"""A CUB region-feature stand-in: real labels, splits, attributes and word vectors.

The 2048 x 7 x 7 ResNet-101 region maps of CUB cannot be had here; everything
else can. This module builds region features for the 11788 CUB images from the
real files in ``../shared/data`` (``$SKZSL_SHARED_DATA`` overrides):

- labels and image order from ``xlsa17/CUB/res101_meta.npz``, splits and class
  attributes from ``att_splits.mat`` (read by ``skzsl.datasets.load_xlsa17``
  exactly as a user's data would be);
- the 312 x 300 attribute word vectors ``attribute_w2v/CUB_attribute_w2v.npy``,
  returned as ``attribute_embeddings``;
- synthetic region features in which attribute signal sits in particular
  regions. CUB's attributes name a body part (``has_bill_shape::dagger`` ->
  bill, ``has_wing_color::blue`` -> wing, ...). Each image places each of its
  parts in a region drawn at random *for that image*, as a bird sits anywhere
  in the frame. A region's feature vector is a fixed random nonlinear map of
  the (per-image jittered) attribute values of the parts it holds, rectified
  like ResNet activations, plus a position-dependent background and noise.
  Regions without a part are background only.

So an attribute's evidence is in one region per image, but not the same one
from image to image: a model that attends per attribute can find it, a linear
model on the flattened map sees it smeared over every position. The numbers
it gives are not comparable with published CUB results and must never be
reported as such.
"""

import numpy as np
from scipy.io import loadmat

from skzsl.datasets import load_xlsa17

from .standins import shared_data, xlsa17_home

__all__ = ["attribute_parts", "cub_region_features", "load_cub_region_standin", "shared_data"]


def attribute_parts(attribute_names):
    """The body part each CUB attribute describes, as integer part ids.

    ``has_<part>_<aspect>::<value>`` with aspect color / pattern / shape /
    length; ``has_shape`` and ``has_size`` describe the whole bird, one part.

    Returns
    -------
    part_of : ndarray of int of shape (n_attributes,)
    part_names : list of str
    """
    parts = []
    for name in attribute_names:
        group = str(name).split("::")[0].removeprefix("has_")
        for aspect in ("_color", "_pattern", "_shape", "_length"):
            group = group.removesuffix(aspect)
        parts.append(group if group not in ("shape", "size") else "body")
    part_names = sorted(set(parts))
    return np.array([part_names.index(p) for p in parts]), part_names


def cub_region_features(labels, class_attributes, part_of, *, n_regions=49, n_features=2048,
                        hidden=256, jitter=0.15, noise=0.3, background=0.5, rows=None,
                        random_state=0, chunk=1024):
    """Region features for images of the given class labels.

    Parameters
    ----------
    labels : ndarray of int of shape (n_images,)
        0-based class ids (column of ``class_attributes``).
    class_attributes : ndarray of shape (n_classes, n_attributes)
        Attribute strengths in [0, 1] (``original_att / 100``).
    part_of : ndarray of int of shape (n_attributes,)
        Part id of each attribute.
    n_regions, n_features : int
        Regions per image and features per region.
    hidden : int
        Width of the random map.
    jitter, noise, background : float
        Per-image attribute jitter, feature noise, and scale of the
        position-dependent background.
    rows : ndarray of int, default=None
        Build only these images (positions in ``labels``), e.g. a timing subset;
        the random map and placements are those of the full build (the noise
        is not).
    random_state : int
        Seeds the map, the placements and the noise.
    chunk : int
        Images per chunk (bounds the temporary memory).

    Returns
    -------
    X : ndarray of float32 of shape (n_rows, n_regions, n_features)
    placement : ndarray of int of shape (n_rows, n_parts)
        Region of each part in each image.
    """
    rng = np.random.default_rng(random_state)
    n_images, n_att = labels.size, class_attributes.shape[1]
    n_parts = int(part_of.max()) + 1
    W1 = rng.standard_normal((n_att, hidden)) * 3.0 / np.sqrt(n_att / n_parts)
    b1 = 0.5 * rng.standard_normal(hidden)
    W2 = rng.standard_normal((hidden, n_features)) / np.sqrt(hidden)
    positions = background * rng.standard_normal((n_regions, n_features))
    # Each image puts its parts in distinct regions when there are enough of them.
    keys = rng.random((n_images, n_regions))
    placement = np.argsort(keys, axis=1)[:, :n_parts] if n_parts <= n_regions else \
        rng.integers(0, n_regions, size=(n_images, n_parts))
    z = class_attributes[labels] + jitter * rng.standard_normal((n_images, n_att))
    rows = np.arange(n_images) if rows is None else np.asarray(rows)
    # (K, P * hidden): attribute k feeds the hidden units of its own part only
    part_map = (np.eye(n_parts)[part_of][:, :, None] * W1[:, None, :]).reshape(n_att, -1)
    region_onehot = np.eye(n_regions)
    X = np.empty((rows.size, n_regions, n_features), np.float32)
    for start in range(0, rows.size, chunk):
        idx = rows[start:start + chunk]
        where = region_onehot[placement[idx]]                         # (n, P, R)
        # each part's contribution, added into the region it sits in
        per_part = (z[idx] @ part_map).reshape(idx.size, n_parts, hidden)
        pre = np.matmul(where.transpose(0, 2, 1), per_part)              # (n, R, hidden)
        occupied = where.max(axis=1)[:, :, None]
        signal = (np.tanh(pre + b1) * occupied) @ W2
        eps = rng.standard_normal((idx.size, n_regions, n_features))
        X[start:start + idx.size] = np.maximum(signal + positions + noise * eps, 0.0)
    return X, placement[rows]


def load_cub_region_standin(*, n_regions=49, n_features=2048, random_state=0, **kwargs):
    """CUB with real labels, splits, class attributes and word vectors; region features stand in.

    Parameters
    ----------
    n_regions, n_features : int
        Shape of each image's region features (49 x 2048 is a ResNet-101 7x7 map).
    random_state : int
        Seeds the synthetic features.
    **kwargs
        Passed to :func:`cub_region_features`.

    Returns
    -------
    data : Bunch
        As :func:`skzsl.datasets.load_xlsa17` (``X_*`` of shape (n, n_regions,
        n_features), ``train_classes`` / ``val_classes`` from the proposed
        class split), with ``attribute_embeddings`` the 312 x 300 word vectors
        and ``placement`` the region of each part in each trainval image.
    """
    shared = shared_data()
    if shared is None:
        raise FileNotFoundError(
            "The shared data folder is not here; set SKZSL_SHARED_DATA to the folder that "
            "holds xlsa17/ and attribute_w2v/."
        )
    folder = shared / "xlsa17" / "CUB"
    meta = np.load(folder / "res101_meta.npz", allow_pickle=True)
    labels = meta["labels"].ravel().astype(int) - 1
    att = loadmat(folder / "att_splits.mat")["original_att"].T / 100.0
    part_of, _ = attribute_parts(meta["attribute_names"])
    X, placement = cub_region_features(labels, att, part_of, n_regions=n_regions,
                                       n_features=n_features, random_state=random_state,
                                       **kwargs)
    data = load_xlsa17("CUB", data_home=xlsa17_home("CUB"), features=X)
    data.attribute_embeddings = np.load(shared / "attribute_w2v" / "CUB_attribute_w2v.npy")
    data.part_of = part_of
    return data


def cub_trainval_labels():
    """0-based class ids of the 7057 trainval images, and the attribute table and parts."""
    shared = shared_data()
    folder = shared / "xlsa17" / "CUB"
    meta = np.load(folder / "res101_meta.npz", allow_pickle=True)
    splits = loadmat(folder / "att_splits.mat")
    labels = meta["labels"].ravel().astype(int) - 1
    trainval = splits["trainval_loc"].ravel() - 1
    att = splits["original_att"].T / 100.0
    part_of, _ = attribute_parts(meta["attribute_names"])
    return labels, trainval, att, part_of

