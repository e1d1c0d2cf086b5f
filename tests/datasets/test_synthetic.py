import numpy as np
import pytest

from skzsl.datasets import make_zsl_classification
from skzsl.semantics import check_class_attributes


def test_shapes_and_splits():
    data = make_zsl_classification(n_samples=200, n_features=6, n_classes=8,
                                   n_unseen_classes=3, n_attributes=5, random_state=0)
    assert data.X_train.shape == (100, 6) and data.X_test_seen.shape == (25, 6)
    assert data.X_test_unseen.shape == (75, 6)
    assert data.class_attributes.shape == (8, 5)
    np.testing.assert_array_equal(data.class_attributes.index, np.arange(8))
    assert list(data.class_attributes.columns) == list(data.attribute_names)
    assert data.unseen_classes.size == 3
    np.testing.assert_array_equal(np.union1d(data.seen_classes, data.unseen_classes),
                                  np.arange(8))
    np.testing.assert_array_equal(np.unique(data.y_train), data.seen_classes)
    np.testing.assert_array_equal(np.unique(data.y_test_seen), data.seen_classes)
    np.testing.assert_array_equal(np.unique(data.y_test_unseen), data.unseen_classes)
    check_class_attributes(data.class_attributes, data.y_train)
    assert data.attribute_regions is None


def test_attribute_table_is_distinct_binary_and_learnable():
    for seed in range(20):
        data = make_zsl_classification(n_classes=8, n_unseen_classes=5, n_attributes=3,
                                       random_state=seed)
        table = data.class_attributes.to_numpy()
        assert set(np.unique(table)) == {0.0, 1.0}
        assert np.unique(table, axis=0).shape[0] == 8
        seen_rows = data.class_attributes.loc[data.seen_classes].to_numpy()
        assert np.all(seen_rows.min(axis=0) == 0) and np.all(seen_rows.max(axis=0) == 1)


def test_deterministic_given_random_state():
    a = make_zsl_classification(random_state=3, n_regions=2)
    b = make_zsl_classification(random_state=np.random.RandomState(3), n_regions=2)
    for key in ("X_train", "y_train", "X_test_unseen", "attribute_regions"):
        np.testing.assert_array_equal(a[key], b[key])
    c = make_zsl_classification(random_state=4, n_regions=2)
    assert not np.array_equal(a.X_train, c.X_train)


def test_no_shuffle_orders_by_class():
    data = make_zsl_classification(shuffle=False, random_state=0)
    assert np.all(np.diff(data.y_train) >= 0) and np.all(np.diff(data.y_test_unseen) >= 0)


def test_regions_hold_the_signal_of_their_attributes():
    data = make_zsl_classification(n_samples=1000, n_features=5, n_attributes=6, n_regions=3,
                                   noise=0.0, random_state=0)
    assert data.X_train.shape[1:] == (3, 5)
    np.testing.assert_array_equal(np.bincount(data.attribute_regions), [2, 2, 2])
    attrs = data.class_attributes.loc[data.y_train].to_numpy()
    for region in range(3):
        # without noise, a region is a function of its own attributes only
        own = attrs[:, data.attribute_regions == region]
        _, group = np.unique(own, axis=0, return_inverse=True)
        for g in np.unique(group):
            block = data.X_train[group == g, region]
            np.testing.assert_allclose(block, block[:1].repeat(len(block), axis=0))


def test_regions_without_attributes_are_background():
    data = make_zsl_classification(n_classes=6, n_unseen_classes=2, n_attributes=3, n_regions=5,
                                   noise=0.0, random_state=0)
    empty = np.setdiff1d(np.arange(5), data.attribute_regions)
    assert empty.size == 2
    np.testing.assert_allclose(data.X_train[:, empty].std(axis=0), 0.0, atol=1e-12)


@pytest.mark.parametrize("n_regions", [None, 4])
def test_unseen_classes_are_predictable_from_semantics(eszsl_unseen_accuracy, n_regions):
    accuracies = []
    for seed in range(5):
        data = make_zsl_classification(n_samples=600, n_regions=n_regions, random_state=seed)
        accuracies.append(eszsl_unseen_accuracy(data.X_train, data.y_train, data.X_test_unseen,
                                                data.y_test_unseen, data.class_attributes))
    assert np.mean(accuracies) > 0.6  # chance is 1/3


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_classes=5, n_unseen_classes=4), "at least two classes must be seen"),
    (dict(n_classes=10, n_attributes=3), "at most 8 distinct binary"),
    (dict(n_samples=15, n_classes=10), "n_samples >= 20"),
    (dict(n_unseen_classes=0), "n_unseen_classes"),
    (dict(noise=-1.0), "noise"),
    (dict(test_size=1.0), "test_size"),
    (dict(n_regions=0), "n_regions"),
])
def test_invalid_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_zsl_classification(**kwargs)
