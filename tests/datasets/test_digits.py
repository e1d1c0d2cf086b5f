import numpy as np
import pytest
from sklearn.datasets import load_digits

from skzsl.datasets import load_digits_zsl
from skzsl.semantics import check_class_attributes


@pytest.fixture(scope="module")
def data():
    return load_digits_zsl()


def test_splits(data):
    assert data.X_trainval.shape == (1005, 64)
    assert data.X_test_seen.shape == (250, 64) and data.X_test_unseen.shape == (542, 64)
    assert data.X_trainval.dtype == np.float64
    assert data.X_trainval.min() == 0.0 and data.X_trainval.max() == 1.0
    np.testing.assert_array_equal(data.unseen_classes, [3, 7, 9])
    np.testing.assert_array_equal(data.seen_classes, [0, 1, 2, 4, 5, 6, 8])
    np.testing.assert_array_equal(np.unique(data.y_trainval), data.seen_classes)
    np.testing.assert_array_equal(np.unique(data.y_test_seen), data.seen_classes)
    np.testing.assert_array_equal(np.unique(data.y_test_unseen), data.unseen_classes)
    # every image once, in exactly one split
    all_X = np.vstack([data.X_trainval, data.X_test_seen, data.X_test_unseen])
    assert np.unique(all_X, axis=0).shape[0] == np.unique(load_digits().data, axis=0).shape[0]
    assert len(all_X) == 1797
    # stratified 80/20 split of each seen digit
    tv, ts = np.bincount(data.y_trainval), np.bincount(data.y_test_seen)
    seen = data.seen_classes
    np.testing.assert_allclose(ts[seen] / (tv[seen] + ts[seen]), 0.2, atol=0.01)


def test_validation_class_split(data):
    np.testing.assert_array_equal(data.val_classes, [4, 6])
    np.testing.assert_array_equal(data.train_classes, [0, 1, 2, 5, 8])
    np.testing.assert_array_equal(np.unique(data.y_trainval[data.val_index]), data.val_classes)
    np.testing.assert_array_equal(np.unique(data.y_trainval[data.train_index]),
                                  data.train_classes)
    np.testing.assert_array_equal(np.sort(np.r_[data.train_index, data.val_index]),
                                  np.arange(len(data.y_trainval)))


def test_deterministic(data):
    again = load_digits_zsl()
    for key in ("X_trainval", "y_trainval", "X_test_seen", "y_test_unseen", "val_index"):
        np.testing.assert_array_equal(again[key], data[key])


def test_attribute_table(data):
    table = data.class_attributes
    assert table.shape == (10, 10) and list(table.columns) == list(data.attribute_names)
    assert np.unique(table.to_numpy(), axis=0).shape[0] == 10
    assert table.loc[1].sum() == 2 and table.loc[1, "b_upper_right"] == 1  # one stroke
    assert table.loc[8, "closed_loops"] == 2 and table.loc[8, "a_top":"g_middle"].sum() == 7
    assert table.loc[4, "a_top"] == 0 and table.loc[4, "closed_loops"] == 0  # open top
    assert table.loc[7, ["a_top", "diagonal_stroke"]].tolist() == [1, 1]
    assert table.loc[7, "c_lower_right"] == 0
    # every attribute value of an unseen digit is also seen in training
    seen = table.loc[data.seen_classes]
    for digit in data.unseen_classes:
        for name in table.columns:
            assert table.loc[digit, name] in set(seen[name])
    check_class_attributes(table, data.y_trainval)


def test_table_in_docstring_matches_data(data):
    rows = {}
    for line in load_digits_zsl.__doc__.splitlines():
        parts = line.split()
        if len(parts) == 11 and parts[0].isdigit():
            rows[int(parts[0])] = [float(v) for v in parts[1:]]
    assert sorted(rows) == list(range(10))
    np.testing.assert_array_equal(np.array([rows[d] for d in range(10)]),
                                  data.class_attributes.to_numpy())


def test_regions():
    regions = load_digits_zsl(return_regions=True)
    flat = load_digits_zsl()
    assert regions.X_trainval.shape == (1005, 9, 9)
    assert regions.X_test_unseen.shape == (542, 9, 9)
    images = flat.X_test_unseen.reshape(-1, 8, 8)
    np.testing.assert_array_equal(regions.X_test_unseen[:, 0], images[:, :3, :3].reshape(-1, 9))
    np.testing.assert_array_equal(regions.X_test_unseen[:, 4], images[:, 3:6, 3:6].reshape(-1, 9))
    # the bottom-right patch holds pixels (6..7, 6..7) and the padding
    corner = regions.X_test_unseen[:, 8].reshape(-1, 3, 3)
    np.testing.assert_array_equal(corner[:, :2, :2], images[:, 6:, 6:])
    assert not corner[:, 2, :].any() and not corner[:, :, 2].any()
    assert regions.X_trainval.sum() == pytest.approx(flat.X_trainval.sum())
    np.testing.assert_array_equal(regions.y_trainval, flat.y_trainval)


def test_window_regions():
    windows = load_digits_zsl(return_regions=True, region_layout="window")
    patches = load_digits_zsl(return_regions=True)
    flat = load_digits_zsl()
    assert windows.X_trainval.shape == (1005, 9, 81)
    assert windows.X_test_seen.shape == (250, 9, 81)
    assert windows.X_test_unseen.shape == (542, 9, 81)
    for split in ("X_trainval", "X_test_seen", "X_test_unseen"):
        canvases = windows[split].reshape(-1, 9, 9, 9)
        # the nine windows add up to the padded image
        padded = np.pad(flat[split].reshape(-1, 8, 8), ((0, 0), (0, 1), (0, 1)))
        np.testing.assert_array_equal(canvases.sum(axis=1), padded)
        for r in range(9):
            i, j = divmod(r, 3)
            # window r holds patch r at its place and nothing elsewhere
            block = canvases[:, r, 3 * i:3 * i + 3, 3 * j:3 * j + 3]
            np.testing.assert_array_equal(block.reshape(-1, 9), patches[split][:, r])
            assert canvases[:, r].sum() == pytest.approx(block.sum())
    np.testing.assert_array_equal(windows.y_trainval, flat.y_trainval)
    # the layout only matters for regions
    np.testing.assert_array_equal(load_digits_zsl(region_layout="window").X_trainval,
                                  flat.X_trainval)
    with pytest.raises(ValueError, match="region_layout"):
        load_digits_zsl(return_regions=True, region_layout="grid")


def test_unseen_digits_are_recognised_from_attributes(data, eszsl_unseen_accuracy):
    accuracy = eszsl_unseen_accuracy(data.X_trainval, data.y_trainval, data.X_test_unseen,
                                     data.y_test_unseen, data.class_attributes)
    assert accuracy > 0.65  # chance is 1/3; measured 0.77


def test_validation_digits_are_recognised_from_attributes(data, eszsl_unseen_accuracy):
    train, val = data.train_index, data.val_index
    accuracy = eszsl_unseen_accuracy(data.X_trainval[train], data.y_trainval[train],
                                     data.X_trainval[val], data.y_trainval[val],
                                     data.class_attributes)
    assert accuracy > 0.6  # chance is 1/2; measured 0.71
