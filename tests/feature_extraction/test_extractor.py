"""ImageFeatureExtractor on synthetic images: shapes, fidelity to torchvision, order, files."""

import os
import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone

from skzsl.feature_extraction import ImageFeatureExtractor, ImageReadError
from skzsl.feature_extraction._output import progress_path

from ._backbones import TinyBackbone
from ._images import write_images

torchvision = pytest.importorskip("torchvision", reason="the vision extra: skzsl[vision]")

FAST = dict(backbone=TinyBackbone(), image_size=8, verbose=0, device="cpu", n_jobs=1)


@pytest.fixture
def image_files(tmp_path):
    return write_images(tmp_path / "images", 7)


@pytest.fixture(scope="module")
def resnet18_weights(tmp_path_factory):
    """A state dict of resnet18 with random weights, saved as torchvision saves its own."""
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("weights") / "resnet18.pth"
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), path)
    return path


def _extractor(**params):
    return ImageFeatureExtractor(**{**FAST, **params})


@pytest.mark.parametrize("output, shape", [("pooled", (6,)), ("regions", (6, 2, 2))])
def test_shapes_and_dtype(image_files, output, shape):
    ext = _extractor(output=output).fit(image_files)
    X = ext.transform(image_files)
    assert X.shape == (len(image_files), *shape) and X.dtype == np.float32
    assert np.isfinite(X).all() and np.ptp(X, axis=0).max() > 0  # images differ
    assert ext.n_features_out_ == 6 and ext.feature_map_shape_ == (6, 2, 2)
    assert ext.n_regions_ == 4
    names = ext.get_feature_names_out()
    assert len(names) == X.shape[1] and names[0] == "imagefeatureextractor0"


@pytest.mark.slow
def test_resnet101_region_maps_are_msdn_sized(image_files):
    # 448 px by default for regions: 2048 x 14 x 14, R = 196 (the MSDN layout)
    ext = ImageFeatureExtractor("resnet101", weights=None, output="regions", random_state=0,
                                verbose=0, device="cpu", n_jobs=1)
    X = ext.fit_transform(image_files[:1])
    assert X.shape == (1, 2048, 14, 14) and X.dtype == np.float32
    assert ext.image_size_ == 448 and ext.n_regions_ == 196
    pooled = ImageFeatureExtractor("resnet101", weights=None, random_state=0, verbose=0,
                                   device="cpu").fit(image_files[:1])
    assert pooled.image_size_ == 224 and pooled.feature_map_shape_ == (2048, 7, 7)


def test_pooled_is_the_spatial_mean_of_the_region_map(image_files, resnet18_weights):
    common = dict(backbone="resnet18", weights=resnet18_weights, image_size=64)
    regions = _extractor(output="regions", **common).fit_transform(image_files)
    pooled = _extractor(output="pooled", **common).fit_transform(image_files)
    np.testing.assert_allclose(pooled, regions.mean(axis=(2, 3)), rtol=1e-5, atol=1e-6)


def test_equals_a_plain_torchvision_forward(image_files, resnet18_weights):
    from PIL import Image
    from torchvision import transforms

    # the reference: torchvision's classic transforms and resnet18 run by hand
    preprocess = transforms.Compose([
        transforms.Resize(72), transforms.CenterCrop(64), transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    batch = torch.stack([preprocess(Image.open(p).convert("RGB")) for p in image_files])
    model = torchvision.models.resnet18(weights=None)
    model.load_state_dict(torch.load(resnet18_weights, weights_only=True))
    model.eval()
    with torch.no_grad():
        maps = torch.nn.Sequential(*list(model.children())[:-2])(batch).numpy()
        model.fc = torch.nn.Identity()
        pooled = model(batch).numpy()

    common = dict(backbone="resnet18", weights=str(resnet18_weights), image_size=64,
                  resize_size=72, batch_size=3)
    ours = _extractor(output="regions", **common).fit_transform(image_files)
    np.testing.assert_allclose(ours, maps, rtol=1e-5, atol=1e-5)
    extractor = _extractor(output="pooled", **common)
    ours = extractor.fit_transform(image_files)
    np.testing.assert_allclose(ours, pooled, rtol=1e-5, atol=1e-5)
    # preprocess gives the network input of one image, the reference's to rounding
    for path, expected in zip(image_files, batch, strict=True):
        torch.testing.assert_close(extractor.preprocess(path), expected, rtol=1e-5,
                                   atol=1e-5)


def test_torchvision_weights_by_name_and_enum(image_files, monkeypatch):
    from torchvision.models import ResNet18_Weights

    # no download here: the request reaches torchvision as given, and its
    # failure to fetch is an error that says what to do offline
    def offline(*args, **kwargs):
        raise OSError("no network")

    monkeypatch.setattr(torch.hub, "load_state_dict_from_url", offline)
    for weights in ("DEFAULT", "IMAGENET1K_V1", ResNet18_Weights.IMAGENET1K_V1):
        ext = _extractor(backbone="resnet18", weights=weights)
        with pytest.raises(OSError, match="without internet.*state_dict"):
            ext.fit(image_files)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_rows_follow_the_given_order_whatever_the_workers(image_files, n_jobs):
    reference = _extractor(batch_size=7).fit_transform(image_files)
    order = np.random.RandomState(0).permutation(len(image_files))
    shuffled = [image_files[i] for i in order]
    X = _extractor(batch_size=2, n_jobs=n_jobs).fit_transform(shuffled)
    # other batch sizes round differently (1e-8 here); other rows differ by 1e-2
    np.testing.assert_allclose(X, reference[order], rtol=1e-5, atol=1e-6)


def test_array_input_matches_files(image_files):
    from PIL import Image

    # uint8 pixels go through Pillow as files do: the same features
    images = [np.asarray(Image.open(p)) for p in image_files]
    ext = _extractor().fit(image_files)
    np.testing.assert_array_equal(ext.transform(images), ext.transform(image_files))
    stacked = np.stack([np.asarray(Image.open(p).convert("RGB").resize((24, 24)))
                        for p in image_files])
    gray = stacked.mean(axis=3) / 255  # float images in [0, 1], (n, H, W)
    assert ext.transform(stacked).shape == ext.transform(gray).shape == (7, 6)
    readonly = np.load(_save(stacked, image_files[0] + ".npy"), mmap_mode="r")
    np.testing.assert_array_equal(ext.transform(readonly), ext.transform(stacked))


def _save(array, path):
    np.save(path, array)
    return path


def test_memmap_output_equals_in_memory(image_files, tmp_path):
    in_memory = _extractor(output="regions", batch_size=3).fit_transform(image_files)
    path = tmp_path / "regions.npy"
    on_disk = _extractor(output="regions", batch_size=3, output_file=path).fit_transform(
        image_files)
    assert isinstance(on_disk, np.memmap) and not on_disk.flags.writeable
    np.testing.assert_array_equal(on_disk, in_memory)
    np.testing.assert_array_equal(np.load(path), in_memory)
    assert not os.path.exists(progress_path(path))


class _Interrupt(torch.nn.Module):
    """Wraps a fitted extractor's module: counts forward passes, Ctrl-C at pass ``at``."""

    def __init__(self, module, at=None):
        super().__init__()
        self.module, self.at, self.calls = module, at, 0

    def forward(self, x):
        self.calls += 1
        if self.calls == self.at:
            raise KeyboardInterrupt
        return self.module(x)


def test_resume_after_an_interruption_gives_the_same_file(tmp_path):
    files = write_images(tmp_path / "images", 11)
    whole = tmp_path / "whole.npy"
    _extractor(batch_size=2, output_file=whole).fit_transform(files)

    path = tmp_path / "resumed.npy"
    ext = _extractor(batch_size=2, output_file=path).fit(files)
    ext.module_ = _Interrupt(ext.module_, at=4)
    with pytest.raises(KeyboardInterrupt):
        ext.transform(files)
    assert os.path.exists(progress_path(path))  # three batches (6 rows) are finished

    ext.module_ = _Interrupt(ext.module_.module)
    resumed = ext.transform(files)
    assert ext.module_.calls == 3  # rows 6-10 only: batches of 2, 2 and 1
    assert whole.read_bytes() == path.read_bytes()
    np.testing.assert_array_equal(resumed, np.load(whole))
    assert not os.path.exists(progress_path(path))


def test_other_inputs_do_not_resume_a_record(tmp_path):
    files = write_images(tmp_path / "images", 6)
    path = tmp_path / "out.npy"
    ext = _extractor(batch_size=2, output_file=path).fit(files)
    ext.module_ = _Interrupt(ext.module_, at=2)
    with pytest.raises(KeyboardInterrupt):
        ext.transform(files)
    ext.module_ = _Interrupt(ext.module_.module)
    reversed_files = files[::-1]
    X = ext.transform(reversed_files)
    assert ext.module_.calls == 3  # all three batches again
    np.testing.assert_array_equal(X, _extractor().fit_transform(reversed_files))

    # the same inputs through other weights: no resuming either
    ext.module_ = _Interrupt(ext.module_.module, at=2)
    with pytest.raises(KeyboardInterrupt):
        ext.transform(files)
    other = _extractor(backbone=TinyBackbone(), batch_size=2, output_file=path).fit(files)
    other.module_ = _Interrupt(other.module_)
    other.transform(files)
    assert other.module_.calls == 3


def _bad_images(folder, files):
    missing = str(folder / "missing.jpg")
    corrupt = folder / "corrupt.jpg"
    corrupt.write_bytes(b"this is not a JPEG file" * 10)
    truncated = folder / "truncated.png"
    truncated.write_bytes(open(files[0], "rb").read()[:60])
    return [files[0], missing, files[1], str(corrupt), str(truncated), files[2]]


def test_bad_images_are_errors_naming_the_file(image_files, tmp_path):
    bad = _bad_images(tmp_path, image_files)
    ext = _extractor(batch_size=2).fit(bad)
    for name in ("missing.jpg", "corrupt.jpg", "truncated.png"):
        files = [image_files[0], next(p for p in bad if p.endswith(name))]
        with pytest.raises(ImageReadError, match=name):
            ext.transform(files)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_skipped_images_are_nan_rows_and_listed(image_files, tmp_path, n_jobs):
    bad = _bad_images(tmp_path, image_files)
    ext = _extractor(batch_size=4, on_error="skip", n_jobs=n_jobs).fit(bad)
    with pytest.warns(UserWarning, match="3 image.*missing.jpg.*corrupt.jpg.*truncated.png"):
        X = ext.transform(bad)
    assert np.isnan(X[[1, 3, 4]]).all()
    good = _extractor().fit_transform([bad[i] for i in (0, 2, 5)])
    np.testing.assert_array_equal(X[[0, 2, 5]], good)


def test_fit_is_stateless_idempotent_and_pickles(image_files):
    ext = _extractor(backbone="resnet18", weights=None, random_state=0, image_size=32)
    first = clone(ext).fit(image_files).transform(image_files)
    ext.fit(image_files[:2])  # fit reads nothing: other inputs, same model
    np.testing.assert_array_equal(ext.fit(image_files).transform(image_files), first)
    restored = pickle.loads(pickle.dumps(ext))
    np.testing.assert_array_equal(restored.transform(image_files), first)
    # the images are not read in fit
    assert _extractor().fit(["/no/such/image.jpg"]).n_features_out_ == 6


def test_a_module_backbone_is_copied_not_changed(image_files, resnet18_weights):
    backbone = torchvision.models.resnet18(weights=None)
    before = {k: v.clone() for k, v in backbone.state_dict().items()}
    ext = _extractor(backbone=backbone, weights=resnet18_weights, image_size=32)
    ext.fit(image_files)
    assert all(torch.equal(before[k], v) for k, v in backbone.state_dict().items())
    by_name = _extractor(backbone="resnet18", weights=resnet18_weights, image_size=32)
    np.testing.assert_array_equal(ext.transform(image_files),
                                  by_name.fit_transform(image_files))


def test_a_module_returning_vectors_serves_pooled_only(image_files):
    vectors = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.AdaptiveMaxPool2d(1),
                                  torch.nn.Flatten())
    ext = _extractor(backbone=vectors).fit(image_files)
    assert ext.transform(image_files).shape == (7, 4)
    with pytest.raises(ValueError, match=r"regions.*\(n, C, H, W\)"):
        _extractor(backbone=vectors, output="regions").fit(image_files)


@pytest.mark.parametrize("X, error, match", [
    (np.zeros((4, 64)), ValueError, "2-D array.*not images"),
    ([[0.1, 0.2], [0.3, 0.4]], ValueError, "table of numbers"),
    ("image.jpg", TypeError, "single path"),
    (np.zeros((2, 3, 16, 16), np.uint8), ValueError, r"channels first\?"),
    (np.full((2, 8, 8), np.nan), ValueError, "NaN"),
    ([], ValueError, "0 images"),
])
def test_bad_input_is_an_error_that_says_what_to_pass(X, error, match):
    with pytest.raises(error, match=match):
        _extractor().fit(X)


@pytest.mark.parametrize("params, error, match", [
    (dict(backbone="resnet_nope"), ValueError, "Unknown torchvision model"),
    (dict(backbone="densenet121", weights=None), ValueError, r"\.features"),
    (dict(weights="IMAGENET1K_V1"), ValueError, "with a module"),
    (dict(weights="/no/such/weights.pth"), FileNotFoundError, "weights.pth"),
    (dict(output="nope"), ValueError, "output"),
])
def test_bad_parameters(image_files, params, error, match):
    with pytest.raises(error, match=match):
        _extractor(**params).fit(image_files)


def test_progress_bar_follows_verbose(image_files, capsys):
    _extractor(verbose=1).fit_transform(image_files)
    assert "ImageFeatureExtractor" in capsys.readouterr().err
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _extractor(verbose=0).fit_transform(image_files)
    assert capsys.readouterr().err == ""


def test_a_failed_fit_leaves_the_extractor_as_it_was(image_files):
    from sklearn.exceptions import NotFittedError

    fitted = _extractor().fit(image_files)
    before = fitted.transform(image_files)
    with pytest.raises(ValueError, match="device='mps'"):
        fitted.set_params(device="mps").fit(image_files)
    np.testing.assert_array_equal(fitted.set_params(device="cpu").transform(image_files),
                                  before)
    unfitted = _extractor(device="mps")
    with pytest.raises(ValueError, match="no such device"):
        unfitted.fit(image_files)
    with pytest.raises(NotFittedError):
        unfitted.transform(image_files)
