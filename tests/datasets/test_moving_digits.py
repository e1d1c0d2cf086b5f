import numpy as np
import pytest

from skzsl.datasets import load_digits_zsl, load_moving_digits_zsl


@pytest.fixture(scope="module")
def centred():
    return load_digits_zsl()


@pytest.fixture(scope="module")
def moving():
    return load_moving_digits_zsl()


@pytest.fixture(scope="module")
def canvas():
    return load_moving_digits_zsl(return_regions=False)


def test_same_fields_labels_and_split_as_the_centred_digits(centred, moving):
    assert set(moving) == set(centred)
    for key in ("y_trainval", "y_test_seen", "y_test_unseen", "seen_classes",
                "unseen_classes", "train_index", "val_index", "train_classes", "val_classes",
                "class_names", "attribute_names"):
        np.testing.assert_array_equal(moving[key], centred[key])
    assert moving.class_attributes.equals(centred.class_attributes)
    assert moving.attribute_embeddings is None
    assert moving.X_trainval.shape == (1005, 49, 81)
    assert moving.X_test_seen.shape == (250, 49, 81)
    assert moving.X_test_unseen.shape == (542, 49, 81)
    assert "random" in moving.DESCR




def test_each_canvas_holds_its_digit_once_at_a_random_place(centred, canvas):
    for split in ("X_trainval", "X_test_seen", "X_test_unseen"):
        canvases = canvas[split].reshape(-1, 21, 21)
        digits = np.pad(centred[split].reshape(-1, 8, 8), ((0, 0), (0, 1), (0, 1)))
        # the canvas is the digit and blank pixels: same ink
        np.testing.assert_allclose(canvases.sum(axis=(1, 2)), digits.sum(axis=(1, 2)))
    # place the known digit at every offset and find the one that reproduces the canvas
    canvases = canvas.X_trainval.reshape(-1, 21, 21)[:50]
    digits = np.pad(centred.X_trainval.reshape(-1, 8, 8)[:50], ((0, 0), (0, 1), (0, 1)))
    offsets = []
    for image, digit in zip(canvases, digits, strict=True):
        hits = [(i, j) for i in range(13) for j in range(13)
                if np.array_equal(image[i:i + 9, j:j + 9], digit)
                and image.sum() == pytest.approx(digit.sum())]
        assert hits
        offsets.append(hits[0])
    offsets = np.array(offsets)
    # offsets are spread over the canvas, not on the cell lattice only
    assert len({tuple(o) for o in offsets}) > 25
    assert (offsets % 3 != 0).any()


def test_regions_are_receptive_fields_of_the_canvas(moving, canvas):
    padded = np.pad(canvas.X_test_unseen.reshape(-1, 21, 21), ((0, 0), (3, 3), (3, 3)))
    regions = moving.X_test_unseen.reshape(-1, 7, 7, 9, 9)
    for i in range(7):
        for j in range(7):
            np.testing.assert_array_equal(regions[:, i, j],
                                          padded[:, 3 * i:3 * i + 9, 3 * j:3 * j + 9])


def test_parts_move_between_images(moving):
    # the region with the most ink is not the same one in every image
    busiest = moving.X_trainval.sum(axis=2).argmax(axis=1)
    assert np.unique(busiest).size > 10


def test_deterministic_given_random_state(moving):
    again = load_moving_digits_zsl(random_state=0)
    np.testing.assert_array_equal(again.X_trainval, moving.X_trainval)
    other = load_moving_digits_zsl(random_state=1)
    assert not np.array_equal(other.X_trainval, moving.X_trainval)
    np.testing.assert_array_equal(other.y_trainval, moving.y_trainval)
    rng = np.random.RandomState(0)
    np.testing.assert_array_equal(load_moving_digits_zsl(random_state=rng).X_test_seen,
                                  moving.X_test_seen)


def test_grid_size():
    small = load_moving_digits_zsl(grid_size=3, return_regions=False)
    centred = load_digits_zsl()
    # a 3 x 3 grid is the digit's own size: no room to move
    np.testing.assert_array_equal(
        small.X_test_seen.reshape(-1, 9, 9),
        np.pad(centred.X_test_seen.reshape(-1, 8, 8), ((0, 0), (0, 1), (0, 1))))
    assert load_moving_digits_zsl(grid_size=4).X_trainval.shape == (1005, 16, 81)
    with pytest.raises(ValueError, match="grid_size"):
        load_moving_digits_zsl(grid_size=2)
    with pytest.raises(ValueError, match="random_state"):
        load_moving_digits_zsl(random_state="a")
