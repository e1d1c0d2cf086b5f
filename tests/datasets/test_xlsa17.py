"""load_xlsa17 on the real xlsa17 split files, with stand-in image features.

The shared data holds the real ``att_splits.mat`` files and, in
``res101_meta.npz``, everything of ``res101.mat`` but its features. Each test
data home gets the real split files (symlinked) and a ``res101.mat`` written
from the real labels and image files with small random features.
"""

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.io import loadmat, savemat

from skzsl.datasets import load_xlsa17
from skzsl.semantics import check_class_attributes

SHARED_DATA = Path(os.environ.get(
    "SKZSL_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"))
XLSA17 = SHARED_DATA / "xlsa17"
N_FEATURES = 8

pytestmark = pytest.mark.skipif(
    not (XLSA17 / "AWA2" / "att_splits.mat").is_file(),
    reason=f"the shared xlsa17 split files are not at {XLSA17}; set SKZSL_SHARED_DATA to the "
           "folder holding xlsa17/",
)

# Published sizes: trainval, test_seen, test_unseen, seen classes, unseen classes,
# semantic dimensions (Xian et al. 2018; ../shared/data/README.md).
PUBLISHED = {
    "AWA2": (23527, 5882, 7913, 40, 10, 85),
    "CUB": (7057, 1764, 2967, 150, 50, 312),
    "SUN": (10320, 2580, 1440, 645, 72, 102),
    "FLO": (5631, 1403, 1155, 82, 20, 1024),
    "APY": (5932, 1483, 7924, 20, 12, 64),
}


def write_res101(path, name, *, cell_image_files=False):
    """A res101.mat with the real labels and image files and random features."""
    meta = np.load(XLSA17 / name / "res101_meta.npz")
    labels = meta["labels"]
    features = np.random.default_rng(0).standard_normal((N_FEATURES, labels.size))
    image_files = meta["image_files"]
    if cell_image_files:
        # the official file stores a cell array; writing one is slow, so only FLO does
        image_files = np.empty((labels.size, 1), dtype=object)
        image_files[:, 0] = list(meta["image_files"])
    savemat(path, {"features": features.astype(np.float32),
                   "labels": labels[:, None].astype(np.float64),
                   "image_files": image_files})
    return features.T.astype(np.float32), labels


def build_home(root, name, *, class_lists=True, layout=""):
    folder = Path(root, layout, name)
    folder.mkdir(parents=True)
    for source in (XLSA17 / name).iterdir():
        if source.suffix == ".mat" or (class_lists and source.suffix == ".txt"):
            (folder / source.name).symlink_to(source)
    features, labels = write_res101(folder / "res101.mat", name,
                                    cell_image_files=name == "FLO")
    return features, labels


@pytest.fixture(scope="module")
def homes(tmp_path_factory):
    """Lazily built data homes, one per dataset, shared by the tests of this module."""
    built = {}

    def get(name):
        if name not in built:
            root = tmp_path_factory.mktemp(f"home_{name}")
            features, labels = build_home(root, name)
            built[name] = (str(root), features, labels)
        return built[name]

    return get


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_published_split_sizes(homes, name):
    home, features, labels = homes(name)
    data = load_xlsa17(name, data_home=home)
    n_tv, n_ts, n_tu, n_seen, n_unseen, n_sem = PUBLISHED[name]
    assert data.X_trainval.shape == (n_tv, N_FEATURES)
    assert data.X_test_seen.shape == (n_ts, N_FEATURES)
    assert data.X_test_unseen.shape == (n_tu, N_FEATURES)
    assert data.X_trainval.dtype == np.float32
    assert [data.y_trainval.size, data.y_test_seen.size, data.y_test_unseen.size] == [
        n_tv, n_ts, n_tu]
    assert data.seen_classes.size == n_seen and data.unseen_classes.size == n_unseen
    assert np.intersect1d(data.seen_classes, data.unseen_classes).size == 0
    assert set(np.unique(data.y_test_seen)) == set(data.seen_classes)
    assert data.class_attributes.shape == (n_seen + n_unseen, n_sem)
    # the table is what estimators take; every label must have a row
    table = check_class_attributes(data.class_attributes, data.y_trainval)
    table.index_of(data.y_test_unseen)
    assert np.allclose(np.linalg.norm(data.class_attributes.to_numpy(), axis=1), 1.0)
    # rows are the res101.mat rows that trainval_loc points at
    loc = loadmat(XLSA17 / name / "att_splits.mat")["trainval_loc"].ravel() - 1
    np.testing.assert_array_equal(data.X_trainval, features[loc])
    assert data.image_files_trainval.shape == (n_tv,)
    assert "xlsa17" in data.DESCR and str(n_tv) in data.DESCR


def test_labels_index_att_columns_by_label_id_not_by_name(homes):
    # CUB's xlsa17 class order starts at 002.Laysan_Albatross, not at class 001
    home, _, labels = homes("CUB")
    data = load_xlsa17("CUB", data_home=home)
    mat = loadmat(XLSA17 / "CUB" / "att_splits.mat")
    assert data.class_names[0] == "002.Laysan_Albatross"
    np.testing.assert_array_equal(data.class_attributes.index, data.class_names)
    np.testing.assert_allclose(data.class_attributes.loc["002.Laysan_Albatross"],
                               mat["att"][:, 0])
    loc = mat["test_unseen_loc"].ravel() - 1
    np.testing.assert_array_equal(data.y_test_unseen, data.class_names[labels[loc] - 1])
    first = data.y_test_unseen[0]
    np.testing.assert_allclose(data.class_attributes.loc[first],
                               mat["att"][:, labels[loc[0]] - 1])


def test_flo_has_integer_labels_and_no_original_att(homes):
    home, _, _ = homes("FLO")
    data = load_xlsa17("flo", data_home=home)
    assert data.y_trainval.dtype.kind == "i"
    assert data.class_names is None and data.attribute_names is None
    np.testing.assert_array_equal(data.class_attributes.index, np.arange(1, 103))
    assert list(data.class_attributes.columns[:2]) == ["attr0", "attr1"]
    # image_files as the official cell array
    assert data.image_files_test_seen[0].startswith("jpg/image_")
    with pytest.raises(ValueError, match="FLO has no 'original_att'.*semantics='att'"):
        load_xlsa17("FLO", data_home=home, semantics="original_att")


def test_original_att_is_the_raw_scale(homes):
    home, _, _ = homes("APY")
    data = load_xlsa17("APY", data_home=home, semantics="original_att")
    raw = loadmat(XLSA17 / "APY" / "att_splits.mat")["original_att"]
    np.testing.assert_allclose(data.class_attributes.to_numpy(), raw.T)


@pytest.mark.parametrize("name, n_train, n_val", [
    ("AWA2", 27, 13), ("SUN", 580, 65), ("FLO", 62, 20),
    # CUB and APY att_splits.mat here lack train_loc/val_loc: the class lists are used
    ("CUB", 100, 50), ("APY", 15, 5),
])
def test_train_val_is_a_class_disjoint_partition_of_trainval(homes, name, n_train, n_val):
    home, _, _ = homes(name)
    data = load_xlsa17(name, data_home=home)
    assert data.train_classes.size == n_train and data.val_classes.size == n_val
    assert np.intersect1d(data.train_classes, data.val_classes).size == 0
    np.testing.assert_array_equal(np.union1d(data.train_classes, data.val_classes),
                                  data.seen_classes)
    positions = np.sort(np.concatenate([data.train_index, data.val_index]))
    np.testing.assert_array_equal(positions, np.arange(data.y_trainval.size))
    np.testing.assert_array_equal(np.unique(data.y_trainval[data.train_index]),
                                  data.train_classes)
    np.testing.assert_array_equal(np.unique(data.y_trainval[data.val_index]), data.val_classes)


def test_train_val_from_loc_keeps_test_seen_images_out(homes):
    # xlsa17's train_loc/val_loc also point at test_seen images
    home, _, _ = homes("AWA2")
    data = load_xlsa17("AWA2", data_home=home)
    assert (data.train_index.size, data.val_index.size) == (16187, 7340)


def test_class_lists_match_the_loc_split(homes):
    home, _, _ = homes("CUB")
    from_lists = load_xlsa17("CUB", data_home=home)
    from_loc = load_xlsa17("CUB", data_home=home, semantics="sent")
    np.testing.assert_array_equal(from_lists.train_classes, from_loc.train_classes)
    np.testing.assert_array_equal(from_lists.val_index, from_loc.val_index)


def test_no_train_val_split_gives_none(tmp_path):
    build_home(tmp_path, "APY", class_lists=False)
    data = load_xlsa17("APY", data_home=tmp_path)
    assert data.train_index is None and data.val_classes is None
    assert "none in these files" in data.DESCR


def test_cub_sentences(homes):
    home, _, _ = homes("CUB")
    data = load_xlsa17("CUB", data_home=home, semantics="sent")
    assert data.class_attributes.shape == (200, 1024)
    assert data.X_trainval.shape == (7057, N_FEATURES)
    assert (data.train_classes.size, data.val_classes.size) == (100, 50)
    sent = loadmat(XLSA17 / "CUB" / "sent_splits.mat")["att"]
    np.testing.assert_allclose(data.class_attributes.loc["002.Laysan_Albatross"], sent[:, 0])


def test_sentences_only_for_cub(homes):
    home, _, _ = homes("APY")
    with pytest.raises(ValueError, match="only available for CUB"):
        load_xlsa17("APY", data_home=home, semantics="sent")


def test_user_features(homes, tmp_path):
    home, _, labels = homes("APY")
    own = np.arange(labels.size * 3, dtype=np.float64).reshape(labels.size, 3)
    loc = loadmat(XLSA17 / "APY" / "att_splits.mat")["test_unseen_loc"].ravel() - 1
    data = load_xlsa17("APY", data_home=home, features=own)
    np.testing.assert_array_equal(data.X_test_unseen, own[loc].astype(np.float32))

    np.save(tmp_path / "own.npy", own)
    from_npy = load_xlsa17("APY", data_home=home, features=tmp_path / "own.npy")
    np.testing.assert_array_equal(from_npy.X_test_unseen, data.X_test_unseen)

    savemat(tmp_path / "own.mat", {"features": own.T})
    from_mat = load_xlsa17("APY", data_home=home, features=str(tmp_path / "own.mat"))
    np.testing.assert_array_equal(from_mat.X_test_unseen, data.X_test_unseen)

    regions = np.zeros((labels.size, 4, 2), dtype=np.float32)
    assert load_xlsa17("APY", data_home=home, features=regions).X_trainval.shape == (5932, 4, 2)


def test_user_features_of_the_wrong_shape(homes):
    home, _, labels = homes("APY")
    with pytest.raises(ValueError, match=rf"one row per image.*\({labels.size}, \.\.\.\)"):
        load_xlsa17("APY", data_home=home, features=np.zeros((100, 3)))
    with pytest.raises(ValueError, match="must be transposed"):
        load_xlsa17("APY", data_home=home, features=np.zeros((3, labels.size)))


def test_user_semantics(homes):
    home, _, _ = homes("APY")
    own = np.random.default_rng(0).random((32, 5))
    data = load_xlsa17("APY", data_home=home, semantics=own)
    assert data.class_attributes.shape == (32, 5)
    np.testing.assert_array_equal(data.class_attributes.iloc[0], own[0])

    frame = data.class_attributes.iloc[::-1]  # order must not matter
    again = load_xlsa17("APY", data_home=home, semantics=frame)
    pd.testing.assert_frame_equal(again.class_attributes, data.class_attributes)

    with pytest.raises(ValueError, match=r"\(32, d\)"):
        load_xlsa17("APY", data_home=home, semantics=own[:10])
    with pytest.raises(ValueError, match="missing.*aeroplane"):
        load_xlsa17("APY", data_home=home, semantics=data.class_attributes.iloc[1:])
    with pytest.raises(ValueError, match="semantics must be one of"):
        load_xlsa17("APY", data_home=home, semantics="w2v")


def test_attribute_names_file(tmp_path):
    build_home(tmp_path, "APY")
    names = [f"part{i}" for i in range(64)]
    (tmp_path / "APY" / "attribute_names.txt").write_text("\n".join(names) + "\n")
    data = load_xlsa17("APY", data_home=tmp_path)
    assert list(data.class_attributes.columns) == names
    np.testing.assert_array_equal(data.attribute_names, names)

    (tmp_path / "APY" / "attribute_names.txt").write_text("only\ntwo\n")
    with pytest.raises(ValueError, match="2 attribute names.*64 attributes"):
        load_xlsa17("APY", data_home=tmp_path)


def test_missing_res101_names_the_file_and_the_source(tmp_path):
    folder = tmp_path / "xlsa17" / "data" / "SUN"
    folder.mkdir(parents=True)
    (folder / "att_splits.mat").symlink_to(XLSA17 / "SUN" / "att_splits.mat")
    with pytest.raises(FileNotFoundError) as error:
        load_xlsa17("SUN", data_home=tmp_path)
    message = str(error.value)
    assert str(folder / "res101.mat") in message
    assert "xlsa17.zip" in message and "SKZSL_DATA" in message and "data_home" in message


def test_missing_dataset_folder_lists_the_searched_paths(tmp_path):
    with pytest.raises(FileNotFoundError, match="cvpr18xian.zip") as error:
        load_xlsa17("FLO", data_home=tmp_path)
    assert str(tmp_path / "xlsa17" / "FLO") in str(error.value)


def test_missing_sentences_file(tmp_path):
    build_home(tmp_path, "APY")
    cub = tmp_path / "CUB"
    cub.mkdir()
    (cub / "att_splits.mat").symlink_to(XLSA17 / "CUB" / "att_splits.mat")
    with pytest.raises(FileNotFoundError, match="sent_splits.mat does not exist"):
        load_xlsa17("CUB", data_home=tmp_path, semantics="sent")


def test_unknown_dataset():
    with pytest.raises(ValueError, match="AWA1, AWA2, CUB, SUN, FLO, APY"):
        load_xlsa17("ImageNet")


def test_layouts_and_environment_variable(tmp_path, monkeypatch):
    build_home(tmp_path, "APY", layout="xlsa17")
    monkeypatch.setenv("SKZSL_DATA", str(tmp_path))
    data = load_xlsa17("apy")
    assert data.y_trainval.size == 5932
    assert str(tmp_path / "xlsa17" / "APY") in data.DESCR


def test_mismatched_files_are_refused(tmp_path):
    folder = tmp_path / "APY"
    folder.mkdir()
    (folder / "att_splits.mat").symlink_to(XLSA17 / "APY" / "att_splits.mat")
    savemat(folder / "res101.mat", {"features": np.zeros((2, 100)),
                                    "labels": np.ones((100, 1))})
    with pytest.raises(ValueError, match="res101.mat has 100 images"):
        load_xlsa17("APY", data_home=tmp_path)
