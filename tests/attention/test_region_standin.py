"""The CUB region stand-in of benchmarks/: real labels, splits and word vectors."""

import importlib

import numpy as np
import pytest


def _module():
    # benchmarks/ is a package of the repository root, which pytest runs from
    return importlib.import_module("benchmarks.region_standin")


@pytest.fixture(scope="module")
def standin():
    module = _module()
    if module.shared_data() is None:
        pytest.skip("../shared/data is not here (set SKZSL_SHARED_DATA to run this test)")
    return module


def test_attribute_parts_follow_the_names(standin):
    part_of, names = standin.attribute_parts(
        ["has_bill_shape::dagger", "has_bill_color::red", "has_wing_color::blue",
         "has_size::small_(5_-_9_in)", "has_shape::duck-like"])
    assert names == ["bill", "body", "wing"]
    assert part_of.tolist() == [0, 0, 2, 1, 1]


def test_each_part_sits_in_one_region_per_image(standin):
    labels = np.array([0, 1, 0])
    table = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    X, placement = standin.cub_region_features(labels, table, np.array([0, 1, 1]),
                                               n_regions=4, n_features=8, noise=0.0,
                                               background=0.0)
    assert X.shape == (3, 4, 8) and X.dtype == np.float32
    assert placement.shape == (3, 2)
    assert all(len(set(p)) == 2 for p in placement)      # distinct regions per image
    empty = np.setdiff1d(np.arange(4), placement[0])
    assert np.all(X[0, empty] == 0)                       # no part, no signal


def test_cub_standin_uses_the_real_splits(standin):
    data = standin.load_cub_region_standin(n_regions=4, n_features=8)
    assert data.X_trainval.shape == (7057, 4, 8)
    assert data.X_test_seen.shape[0] == 1764 and data.X_test_unseen.shape[0] == 2967
    assert data.attribute_embeddings.shape == (312, 300)
    assert len(data.train_classes) == 100 and len(data.val_classes) == 50
    assert data.class_attributes.shape == (200, 312)
