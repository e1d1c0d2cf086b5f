"""Benchmark features rebuilt from images: the official layouts, row order, errors, the command."""

import os
from pathlib import Path

import numpy as np
import pytest
from scipy.io import savemat
from sklearn.base import clone

from skzsl.cli import main
from skzsl.datasets import load_xlsa17
from skzsl.feature_extraction import (
    ImageFeatureExtractor,
    ImageReadError,
    benchmark_image_paths,
    extract_benchmark_features,
)
from skzsl.feature_extraction._output import NpyFileOutput, progress_path

from ._backbones import TinyBackbone
from ._images import write_images

pytest.importorskip("torchvision", reason="the vision extra: skzsl[vision]")

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "xlsa17"
FAST = ImageFeatureExtractor(TinyBackbone(), image_size=8, batch_size=4, verbose=0,
                             device="cpu", n_jobs=1)

# res101.mat paths as the official files write them, on the authors' machines
OFFICIAL = {
    "CUB": ("/BS/Deep_Fragments/work/MSc/CUB_200_2011/CUB_200_2011/images/"
            "001.Black_footed_Albatross/Black_Footed_Albatross_0001_796111.jpg",
            "CUB_200_2011", "images", "001.Black_footed_Albatross/"
            "Black_Footed_Albatross_0001_796111.jpg"),
    "AWA2": ("/BS/xian/work/data/Animals_with_Attributes2//JPEGImages/antelope/"
             "antelope_10001.jpg", "Animals_with_Attributes2", "JPEGImages",
             "antelope/antelope_10001.jpg"),
    "SUN": ("/BS/Deep_Fragments/work/MSc/data/SUN/images/a/abbey/sun_aakbdcgfpksytcwj.jpg",
            "SUN", "images", "a/abbey/sun_aakbdcgfpksytcwj.jpg"),
    "FLO": ("/BS/xian/work/data/Flowers/jpg/image_06765.jpg", "102flowers", "jpg",
            "image_06765.jpg"),
}


@pytest.mark.parametrize("dataset", sorted(OFFICIAL))
def test_official_paths_are_rerooted_at_the_image_folder(dataset, tmp_path):
    stored, release, folder, below = OFFICIAL[dataset]
    root = tmp_path / release
    (root / folder).mkdir(parents=True)
    expected = os.path.join(root, folder, *below.split("/"))
    # the release folder, or the image folder itself
    for given in (root, root / folder):
        paths = benchmark_image_paths(dataset.lower(), given, image_files=[stored])
        assert list(paths) == [expected]


@pytest.mark.parametrize("dataset", sorted(OFFICIAL))
def test_the_real_image_lists_map_one_to_one(dataset, tmp_path):
    meta = SHARED / dataset / "res101_meta.npz"
    if not meta.is_file():
        pytest.skip(f"needs {meta}")
    files = np.load(meta, allow_pickle=True)["image_files"]
    _, _, folder, _ = OFFICIAL[dataset]
    (tmp_path / folder).mkdir()
    paths = benchmark_image_paths(dataset, tmp_path, image_files=files)
    assert len(paths) == len(files) == len(set(paths))
    prefix = os.path.join(tmp_path, folder) + os.sep
    assert all(p.startswith(prefix) for p in paths)
    # row order kept: each local path ends with the tail of its stored path
    assert all(p.endswith(f.split(folder + "/")[-1]) for p, f in zip(paths, files, strict=True))


def test_wrong_root_or_list_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no images/ folder.*CUB_200_2011"):
        benchmark_image_paths("CUB", tmp_path, image_files=["images/a/b.jpg"])
    (tmp_path / "images").mkdir()
    with pytest.raises(ValueError, match="'a/b.jpg' has no images/ folder"):
        benchmark_image_paths("CUB", tmp_path, image_files=["a/b.jpg"])
    with pytest.raises(ValueError, match="No image layout for APY"):
        benchmark_image_paths("APY", tmp_path, image_files=["a.jpg"])


def _cub(tmp_path, n_classes=6, per_class=5):
    """A CUB-shaped data home (res101.mat without features, att_splits.mat) and image root."""
    root = tmp_path / "CUB_200_2011"
    stored, labels = [], []
    for c in range(n_classes):
        name = f"{c + 1:03d}.Bird_{c}"
        for path in write_images(root / "images" / name, per_class, seed=c, suffix=".jpg"):
            stored.append(f"/BS/MSc/CUB_200_2011/images/{name}/{os.path.basename(path)}")
            labels.append(c + 1)
    labels = np.asarray(labels)
    home = tmp_path / "xlsa17"
    (home / "CUB").mkdir(parents=True)
    savemat(home / "CUB" / "res101.mat",
            {"labels": labels[:, None], "image_files": np.asarray(stored, dtype=object)[:, None]})
    rows = np.arange(len(labels))
    seen = labels <= n_classes - 2
    first = rows % per_class == 0  # one image of each seen class is a test image
    savemat(home / "CUB" / "att_splits.mat", {
        "att": np.random.RandomState(0).rand(5, n_classes),
        "trainval_loc": rows[seen & ~first, None] + 1,
        "test_seen_loc": rows[seen & first, None] + 1,
        "test_unseen_loc": rows[~seen, None] + 1})
    return root, home, stored


def test_extracted_features_load_in_res101_order(tmp_path):
    root, home, stored = _cub(tmp_path)
    out = tmp_path / "cub.npy"
    result = extract_benchmark_features("CUB", root, out, extractor=FAST, data_home=home)
    assert result.features.shape == (30, 6) and result.skipped == []
    assert [p.split("images/")[-1] for p in result.image_files] == \
        [s.split("images/")[-1] for s in stored]
    expected = FAST.fit_transform(result.image_files)
    np.testing.assert_array_equal(np.load(out), expected)
    data = load_xlsa17("CUB", data_home=home, features=out)
    assert data.X_trainval.shape == (16, 6)
    np.testing.assert_array_equal(data.X_test_unseen, expected[20:])
    with pytest.raises(FileExistsError, match="overwrite"):
        extract_benchmark_features("CUB", root, out, extractor=FAST, data_home=home)
    extract_benchmark_features("CUB", root, out, extractor=FAST, data_home=home,
                               overwrite=True)


def test_missing_and_corrupt_images(tmp_path):
    from PIL import Image

    root, home, stored = _cub(tmp_path)

    def image(i):
        return root / "images" / stored[i].split("images/")[-1]

    os.remove(image(3))
    image(7).write_bytes(b"not a jpeg")
    out = tmp_path / "cub.npy"
    # missing files are found before any image is read
    with pytest.raises(FileNotFoundError,
                       match=r"1 of the 30 images are missing:\s+\S+" + image(3).name):
        extract_benchmark_features("CUB", root, out, extractor=FAST, data_home=home)
    assert not out.exists()

    skipping = clone(FAST).set_params(on_error="skip")
    result = extract_benchmark_features("CUB", root, out, extractor=skipping, data_home=home)
    assert [s.split(" (")[0] for s in result.skipped] == [str(image(3)), str(image(7))]
    assert np.isnan(result.features[[3, 7]]).all()
    assert np.isfinite(np.delete(np.asarray(result.features), [3, 7], axis=0)).all()
    listing = Path(str(out) + ".skipped.txt").read_text().splitlines()
    assert listing == result.skipped

    # with the missing image back, the corrupt one stops the run, named
    Image.new("RGB", (10, 10)).save(image(3))
    with pytest.raises(ImageReadError, match=image(7).name):
        extract_benchmark_features("CUB", root, out, extractor=FAST, data_home=home,
                                   overwrite=True)


@pytest.mark.slow
def test_command_extracts_then_benchmarks(tmp_path, capsys):
    root, home, _ = _cub(tmp_path, n_classes=10, per_class=6)
    out = tmp_path / "cub_res18.npy"
    argv = ["extract", "--dataset", "CUB", "--image-root", str(root), "--data-home", str(home),
            "--output", str(out), "--backbone", "resnet18", "--weights", "none",
            "--image-size", "32", "--n-jobs", "1", "--device", "cpu", "--quiet"]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "60 x 512 float32 features of CUB" in text and "--features" in text
    assert np.load(out).shape == (60, 512)
    assert main(argv) == 1
    assert "exists and is finished" in capsys.readouterr().err
    assert main(["benchmark", "--dataset", "CUB", "--data-home", str(home), "--features",
                 str(out), "--methods", "eszsl", "--grid", "feature_reg=1;semantic_reg=1",
                 "--quiet"]) == 0
    assert "| eszsl |" in capsys.readouterr().out


def test_command_resumes_after_ctrl_c(tmp_path, capsys, monkeypatch):
    root, home, _ = _cub(tmp_path)
    out = tmp_path / "cub.npy"
    argv = ["extract", "--dataset", "CUB", "--image-root", str(root), "--data-home", str(home),
            "--output", str(out), "--backbone", "resnet18", "--weights", "none",
            "--image-size", "32", "--batch-size", "8", "--n-jobs", "1", "--quiet"]
    original = ImageFeatureExtractor._forward
    calls = []

    def interrupted(self, batch):
        calls.append(len(batch))
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(self, batch)

    monkeypatch.setattr(ImageFeatureExtractor, "_forward", interrupted)
    assert main(argv) == 130
    assert "run the same command again" in capsys.readouterr().err
    assert NpyFileOutput.read_record(out)["rows_done"] == 16
    calls.clear()
    assert main(argv) == 0
    assert calls == [8, 6]  # rows 16-29 only
    assert not os.path.exists(progress_path(out))

