"""ImageFeatureExtractor: images to pooled features or region maps with a torchvision backbone."""

import copy
import hashlib
import json
import os
import warnings
from numbers import Integral

import numpy as np
import torch
from joblib import effective_n_jobs
from scipy.sparse import issparse
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted
from torch.utils.data import DataLoader, Dataset, Subset
from tqdm.auto import tqdm

from .._training import resolve_device, seed_from_random_state, seeded
from ..base import AtomicFitMixin, _ParametersMixin
from ..nn.vision import FeatureMapNet
from ..utils._docstring import fill_doc
from ._output import ArrayOutput, NpyFileOutput

__all__ = ["ImageFeatureExtractor", "ImageReadError", "import_torchvision"]

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
# the input sides of the references: the xlsa17 features and torchvision's
# classifiers at 224 px, the MSDN region maps at 448 px (R = 14 x 14 = 196)
DEFAULT_IMAGE_SIZE = {"pooled": 224, "regions": 448}
_PATH_TYPES = (str, os.PathLike)


def import_torchvision():
    """Import torchvision, or fail with the install command of skzsl's ``vision`` extra."""
    try:
        import torchvision
        import torchvision.transforms.v2  # noqa: F401 - a submodule torchvision leaves out
    except ImportError as exc:
        raise ImportError(
            "Extracting image features needs torchvision, an optional dependency of skzsl: "
            'pip install "skzsl[vision]" (or pip install torchvision, the release that '
            f"matches your torch {torch.__version__.split('+')[0]})."
        ) from exc
    return torchvision


class ImageReadError(OSError):
    """An image file that is missing, unreadable or not a decodable image.

    Raised by :class:`ImageFeatureExtractor` (with ``on_error="raise"``); the
    message names the file and what went wrong. A subclass of ``OSError``.

    Examples
    --------
    >>> from skzsl.feature_extraction import ImageFeatureExtractor, ImageReadError
    >>> extractor = ImageFeatureExtractor("resnet18", weights=None, verbose=0)
    >>> try:
    ...     extractor.fit_transform(["no_such_image.jpg"])
    ... except ImageReadError as exc:
    ...     print(str(exc)[:50])
    Cannot read image no_such_image.jpg (FileNotFoundE
    """


@fill_doc
class ImageFeatureExtractor(AtomicFitMixin, _ParametersMixin, ClassNamePrefixFeaturesOutMixin,
                            TransformerMixin, BaseEstimator):
    """Images to pooled features or region maps, with a torchvision backbone.

    Each image is decoded (RGB), resized so that its shorter side is
    ``resize_size``, centre-cropped to ``image_size`` x ``image_size``,
    normalised with ImageNet's mean and standard deviation, and run through
    the backbone cut before its global pooling (the last convolutional
    feature map). ``output="regions"`` returns that map, ``(n, C, H, W)``;
    ``output="pooled"`` its spatial mean, ``(n, C)``, which is the backbone's
    own pooled feature. Decoding runs in ``n_jobs`` worker processes while
    the network runs batch by batch under ``torch.inference_mode``; with
    ``output_file`` the rows stream into a ``.npy`` file, so memory holds a
    batch, not the dataset, and an interrupted extraction resumes where it
    stopped.

    The preprocessing follows the GZSL references: ResNet-101 pooled at
    224 px for features like xlsa17's ``res101.mat``, and
    ``output="regions"`` for the 448-px ResNet-101 maps of the MSDN code,
    2048 x 14 x 14 (R = 196 regions), which
    :class:`~skzsl.attention.MSDNClassifier` reads directly. The references
    used the ImageNet weights torchvision now calls ``"IMAGENET1K_V1"``;
    ``"DEFAULT"`` is its newer ``IMAGENET1K_V2`` network. See
    :ref:`feature_extraction` for what each reference did and how close this
    comes.

    Needs torchvision (``pip install "skzsl[vision]"``).

    Parameters
    ----------
    backbone : str or torch.nn.Module, default="resnet101"
        A torchvision classification model by name
        (``torchvision.models.list_models()``), cut at its ``avgpool`` layer
        (:class:`~skzsl.nn.vision.FeatureMapNet`), or a module of your own:
        one with an ``avgpool`` submodule is cut the same way; any other must
        map a ``(n, 3, image_size, image_size)`` batch to feature maps
        ``(n, C, H, W)`` (or to vectors ``(n, C)``, for ``output="pooled"``
        only). A module is copied at ``fit``, never changed.
    weights : str, path-like, torchvision weights enum or None, default="DEFAULT"
        For a named backbone: torchvision's weights (``"DEFAULT"``,
        ``"IMAGENET1K_V1"``, ``ResNet101_Weights.IMAGENET1K_V2``...;
        torchvision downloads them on first use), ``None`` for random
        weights, or the path of a local state dict (a ``.pt`` / ``.pth``
        file of ``model.state_dict()``). For a module: ``"DEFAULT"`` keeps
        its own weights, a path loads a state dict into the copy.
    output : {"pooled", "regions"}, default="pooled"
        ``"pooled"``: ``(n, C)`` global-average-pooled features (2048 for
        ResNet-101). ``"regions"``: ``(n, C, H, W)`` feature maps, the
        channel-first layout of the MSDN code (its ``(n, 2048, R)`` is
        ``X.reshape(n, C, -1)``; ``X.reshape(n, C, -1).transpose(0, 2, 1)``
        gives ``(n, R, C)``).
    image_size : int or "auto", default="auto"
        Side of the square crop fed to the network. ``"auto"``: 224 for
        ``"pooled"``, 448 for ``"regions"`` (a 14 x 14 map with ResNet-101).
    resize_size : int or None, default=None
        Shorter side of the image before the centre crop; ``None`` is
        ``image_size`` (the whole image, cropped to a square, as in the MSDN
        code). ``resize_size=256, image_size=224`` is torchvision's ImageNet
        evaluation.
    normalize : "imagenet", tuple of (mean, std) or None, default="imagenet"
        Per-channel normalisation after scaling pixels to [0, 1]:
        ImageNet's mean (0.485, 0.456, 0.406) and std (0.229, 0.224,
        0.225), your own pair of 3-tuples, or none.
    batch_size : int, default=32
        Images per forward pass.
    output_file : str, path-like or None, default=None
        Write the output of ``transform`` to this ``.npy`` file, batch by
        batch, and return it mapped read-only (``np.load(output_file,
        mmap_mode="r")``). While it runs, ``<output_file>.progress.json``
        records the finished rows: calling ``transform`` again on the same
        images with the same settings after an interruption (Ctrl-C, a
        killed job) continues after the last finished batch.
    on_error : {"raise", "skip"}, default="raise"
        A missing, unreadable or undecodable image: ``"raise"`` stops with an
        :class:`ImageReadError` naming the file; ``"skip"`` fills its row with
        NaN (never with zeros that would pass for features) and warns with
        the list of skipped files.
    n_jobs : int or None, default=None
        Worker processes that decode and preprocess images while the network
        runs (a ``DataLoader``'s workers). ``None`` means 1, ``-1`` all
        CPUs. Rows come back in input order whatever the number.
%(device)s
    random_state : int, RandomState instance or None, default=None
        Seeds the random weights of ``weights=None`` (no effect otherwise).
    verbose : int, default=1
        0 silent, 1 a progress bar over the images.

    Attributes
    ----------
    module_ : torch.nn.Module
        The backbone, weights loaded, cut at its pooling, in eval mode on
        ``device_``.
    device_ : str
        The resolved torch device.
    image_size_ : int
        The crop side used.
    feature_map_shape_ : tuple of int
        ``(C, H, W)`` of the backbone's feature map at ``image_size_``
        (``(C,)`` for a module that returns vectors).
    n_regions_ : int
        ``H * W`` (1 for vectors).
    n_features_out_ : int
        ``C``, the feature dimension; also the length of
        :meth:`get_feature_names_out`.

    See Also
    --------
    extract_benchmark_features : The features of an xlsa17 benchmark rebuilt
        from its images, in ``res101.mat`` row order.
    skzsl.attention.MSDNClassifier : Reads ``output="regions"``.

    Notes
    -----
    ``X`` is a sequence of image files (any format Pillow reads), or images
    as arrays: ``(n, H, W)`` grayscale or ``(n, H, W, 3)`` RGB, channel last
    as Pillow and imageio give them, ``uint8`` in [0, 255] or float in [0,
    1], or a list of such arrays of different sizes. A 2-D array is refused:
    it is a table of features, not images. File inputs are decoded and
    resized with Pillow, arrays with torch (both antialiased bilinear; they
    differ in the last digits).

    ``fit`` learns nothing from ``X``: it loads the backbone and records the
    output shape. scikit-learn's common checks that feed 2-D tables cannot
    apply (see ``tests/test_common.py``).

    Examples
    --------
    >>> import numpy as np
    >>> from skzsl.feature_extraction import ImageFeatureExtractor
    >>> images = np.random.RandomState(0).randint(0, 256, (2, 40, 50, 3), dtype=np.uint8)
    >>> extractor = ImageFeatureExtractor("resnet18", weights=None, output="regions",
    ...                                   image_size=64, random_state=0, verbose=0)
    >>> maps = extractor.fit_transform(images)
    >>> maps.shape, maps.dtype
    ((2, 512, 2, 2), dtype('float32'))
    >>> extractor.get_feature_names_out()[:2]
    array(['imagefeatureextractor0', 'imagefeatureextractor1'], dtype=object)
    """

    _parameter_constraints: dict = {
        "backbone": [str, torch.nn.Module],
        # torchvision's weight enums cannot be named without importing it; fit checks
        "weights": "no_validation",
        "output": [StrOptions({"pooled", "regions"})],
        "image_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "resize_size": [Interval(Integral, 1, None, closed="left"), None],
        "normalize": [StrOptions({"imagenet"}), tuple, None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "output_file": [str, os.PathLike, None],
        "on_error": [StrOptions({"raise", "skip"})],
        "n_jobs": [Integral, None],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(self, backbone="resnet101", *, weights="DEFAULT", output="pooled",
                 image_size="auto", resize_size=None, normalize="imagenet", batch_size=32,
                 output_file=None, on_error="raise", n_jobs=None, device="auto",
                 random_state=None, verbose=1):
        self._store_parameters(locals())

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Load the backbone and record the output shape; ``X`` is checked, not read.

        Parameters
        ----------
        X : sequence of path-like, or array-like of images
            As in :meth:`transform`.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted extractor.
        """
        _image_source(X)
        import_torchvision()
        self.device_ = resolve_device(self.device)
        self.image_size_ = (DEFAULT_IMAGE_SIZE[self.output] if self.image_size == "auto"
                            else int(self.image_size))
        module = self._load_backbone().eval().to(self.device_)
        size = self.image_size_
        with torch.inference_mode():
            probe = module(torch.zeros(1, 3, size, size, device=self.device_))
        if probe.ndim not in (2, 4) or (probe.ndim == 2 and self.output == "regions"):
            wanted = "(n, C, H, W)" if self.output == "regions" else "(n, C, H, W) or (n, C)"
            raise ValueError(
                f"The backbone returns a tensor of shape {tuple(probe.shape)} for a batch of "
                f"one {size} x {size} image; output={self.output!r} needs {wanted}.")
        self.module_ = module
        self.feature_map_shape_ = tuple(probe.shape[1:])
        self.n_features_out_ = self.feature_map_shape_[0]
        self.n_regions_ = int(np.prod(self.feature_map_shape_[1:], dtype=np.int64))
        return self

    @property
    def _n_features_out(self):
        # what ClassNamePrefixFeaturesOutMixin names: one name per channel
        return self.n_features_out_

    def _load_backbone(self):
        if isinstance(self.backbone, torch.nn.Module):
            network = copy.deepcopy(self.backbone)
            if _is_path(self.weights):
                network.load_state_dict(_read_state_dict(self.weights))
            elif self.weights != "DEFAULT":
                raise ValueError(
                    f"weights={self.weights!r} with a module as backbone: pass 'DEFAULT' "
                    "(the module's own weights) or the path of a state dict to load into it.")
        else:
            network = self._torchvision_network()
        return FeatureMapNet(network) if FeatureMapNet.has_pool(network) else network

    def _torchvision_network(self):
        models = import_torchvision().models
        if self.backbone not in models.list_models():
            raise ValueError(
                f"Unknown torchvision model {self.backbone!r}; the classification backbones "
                f"with an avgpool layer include 'resnet50', 'resnet101', 'resnext101_32x8d', "
                f"'wide_resnet101_2', 'efficientnet_b0', 'convnext_base', 'vgg16' (see "
                f"torchvision.models.list_models()), or pass a torch.nn.Module.")
        if self.weights is None or _is_path(self.weights):
            with seeded(seed_from_random_state(self.random_state)):
                network = models.get_model(self.backbone, weights=None)
            if self.weights is not None:
                network.load_state_dict(_read_state_dict(self.weights))
        else:
            try:
                network = models.get_model(self.backbone, weights=self.weights)
            except OSError as exc:
                raise OSError(
                    f"Could not get the {self.weights} weights of {self.backbone} ({exc}). "
                    "torchvision downloads them on first use into "
                    f"{torch.hub.get_dir()}/checkpoints; without internet, copy the file "
                    "there, or pass weights='/path/to/state_dict.pth'.") from exc
        if not FeatureMapNet.has_pool(network):
            raise ValueError(
                f"torchvision's {self.backbone} pools its feature map without an 'avgpool' "
                f"layer, so skzsl cannot cut it there; pass its trunk as the backbone "
                f"(e.g. torchvision.models.get_model({self.backbone!r}, weights=...).features).")
        return network

    def preprocess(self, image):
        """The network input of one image, decoded and preprocessed as ``transform`` does.

        Parameters
        ----------
        image : str, path, PIL image or array
            An image file, a PIL image, or an ``(H, W[, 3])`` uint8 or float array.

        Returns
        -------
        tensor : Tensor of shape (3, S, S)
            Resized, centre-cropped to ``S = image_size_`` and normalised, in
            float32.
        """
        check_is_fitted(self)
        return _preprocessing(self)(_decode(image)).as_subclass(torch.Tensor)

    def transform(self, X):
        """Extract the features of images.

        Parameters
        ----------
        X : sequence of path-like, or array-like of images
            Image files, an array ``(n, H, W)`` or ``(n, H, W, 3)`` (uint8,
            or float in [0, 1]), or a list of per-image arrays.

        Returns
        -------
        features : ndarray of float32, shape (n, C) or (n, C, H, W)
            Row ``i`` for image ``i``. A read-only memory map of
            ``output_file`` when it is set.
        """
        check_is_fitted(self)
        features, skipped = self._extract(_image_source(X))
        if skipped:
            shown = "; ".join(skipped[:10]) + (" ..." if len(skipped) > 10 else "")
            warnings.warn(
                f"{len(skipped)} image(s) could not be read; their rows are NaN: {shown}",
                UserWarning, stacklevel=2)
        return features

    def _extract(self, images):
        """Run the extraction; returns the features and the inputs that could not be read."""
        shape = (len(images), *self._output_shape())
        out = (ArrayOutput(shape) if self.output_file is None
               else NpyFileOutput(self.output_file, shape, self._fingerprint(images)))
        try:
            self._run(images, out)
        finally:
            out.close()
        return out.finish(), list(out.skipped)

    def _output_shape(self):
        return self.feature_map_shape_ if self.output == "regions" else (self.n_features_out_,)

    def _run(self, images, out):
        dataset = _ImageDataset(images, _preprocessing(self), self.image_size_)
        todo = range(out.start, len(images))
        loader = DataLoader(Subset(dataset, todo), batch_size=self.batch_size,
                            num_workers=effective_n_jobs(self.n_jobs),
                            pin_memory=self.device_.startswith("cuda"))
        start = out.start
        with tqdm(total=len(images), initial=start, unit="img", dynamic_ncols=True,
                  desc=type(self).__name__, disable=not self.verbose) as bar:
            for batch, errors in loader:
                failed = [k for k, error in enumerate(errors) if error]
                if failed and self.on_error == "raise":
                    raise ImageReadError(
                        "Cannot read image " + "; ".join(errors[k] for k in failed)
                        + ". Fix or remove the file, or pass on_error='skip' to give it a NaN "
                        "row and go on.")
                block = self._forward(batch)
                block[failed] = np.nan
                out.write(start, block, [errors[k] for k in failed])
                start += len(block)
                bar.update(len(block))

    def _forward(self, batch):
        with torch.inference_mode():
            features = self.module_(batch.to(self.device_, non_blocking=True))
            if self.output == "pooled" and features.ndim == 4:
                features = features.mean(dim=(2, 3))
            return features.float().cpu().numpy()

    def _fingerprint(self, images):
        """What a progress record must match to be resumed: the inputs and the settings."""
        digest = hashlib.sha256()
        if isinstance(images, np.ndarray):
            digest.update(repr((images.shape, images.dtype.str)).encode())
            digest.update(np.ascontiguousarray(images).data)
        else:
            for item in images:
                digest.update(os.fspath(item).encode() if isinstance(item, _PATH_TYPES)
                              else np.asarray(item).tobytes())
                digest.update(b"\0")
        # the network as loaded, whatever named it: the same weights or a fresh start
        for name, tensor in self.module_.state_dict().items():
            digest.update(name.encode())
            digest.update(tensor.detach().cpu().reshape(-1).view(torch.uint8).numpy().data)
        settings = dict(output=self.output, image_size=self.image_size_,
                        resize_size=self.resize_size, normalize=repr(self.normalize))
        digest.update(json.dumps(settings, sort_keys=True).encode())
        return digest.hexdigest()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True  # image paths
        tags.input_tags.three_d_array = True  # (n, H, W) grayscale images
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def _is_path(weights):
    if isinstance(weights, os.PathLike):
        return True
    return isinstance(weights, str) and (
        os.sep in weights or "/" in weights or weights.endswith((".pt", ".pth")))


def _read_state_dict(path):
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"The weights file {path} does not exist.")
    state = torch.load(path, map_location="cpu", weights_only=True)
    # training scripts often save {"state_dict": ..., "epoch": ...}
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    return state


def _image_source(X):
    """``X`` as a sequence of images (paths, arrays or PIL images), checked without decoding."""
    if isinstance(X, _PATH_TYPES):
        raise TypeError(
            f"X is a single path ({os.fspath(X)!r}); pass a sequence of image files, "
            "e.g. [path].")
    if issparse(X):
        raise TypeError("X is a sparse matrix, which is not supported: images are dense; "
                        "pass image files or an array of images.")
    if isinstance(X, np.ndarray) and X.dtype.kind == "c":
        raise ValueError("Complex data not supported: images are real-valued.")
    if isinstance(X, np.ndarray) and X.dtype.kind in "biuf":
        return _check_image_array(X)
    if hasattr(X, "to_numpy"):  # a pandas Series of paths
        X = X.to_numpy()
    if not hasattr(X, "__len__") or not hasattr(X, "__getitem__"):
        raise TypeError(
            f"X must be a sequence of image files or an array of images; got "
            f"{type(X).__name__}.")
    if len(X) == 0:
        raise ValueError("X holds 0 images; at least one is required.")
    if all(isinstance(item, _PATH_TYPES) for item in X):
        return list(X)
    if {np.ndim(item) for item in X} <= {0, 1}:
        raise ValueError(
            "X is a table of numbers, not images: pass image files, an array of images "
            "(n_images, height, width[, 3]) or a list of (height, width[, 3]) arrays.")
    if isinstance(X, np.ndarray) and X.dtype != object:
        return _check_image_array(X)
    return list(X)


def _check_image_array(X):
    if X.dtype.kind == "f" and not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinity; images must be finite.")
    if X.ndim not in (3, 4):
        raise ValueError(
            f"X is a {X.ndim}-D array of shape {X.shape}, not images: pass images as "
            "(n_images, height, width) or (n_images, height, width, 3) arrays (e.g. "
            "load_digits().images, or X.reshape(n_images, height, width)), or a sequence "
            "of image files.")
    if X.shape[0] == 0:
        raise ValueError("X holds 0 images; at least one is required.")
    if X.ndim == 4 and X.shape[3] not in (1, 3, 4):
        hint = (" (channels first? pass X.transpose(0, 2, 3, 1))"
                if X.shape[1] in (1, 3) else "")
        raise ValueError(
            f"Images of shape {X.shape[1:]}: the last axis must be 1, 3 or 4 channels "
            f"(height, width, channels){hint}.")
    return X


def _preprocessing(extractor):
    """The transform of a decoded image (PIL or tensor) into a normalised network input."""
    v2 = import_torchvision().transforms.v2
    size = extractor.image_size_
    steps = [v2.Resize(extractor.resize_size or size, antialias=True), v2.CenterCrop(size),
             v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]
    if extractor.normalize is not None:
        mean, std = ((IMAGENET_MEAN, IMAGENET_STD) if extractor.normalize == "imagenet"
                     else extractor.normalize)
        steps.append(v2.Normalize(mean=list(mean), std=list(std)))
    return v2.Compose(steps)


class _ImageDataset(Dataset):
    """Image ``i`` decoded and preprocessed, with an error message ("" when it was read)."""

    def __init__(self, images, preprocess, size):
        self.images = images
        self.preprocess = preprocess
        self.size = size

    def __len__(self):
        return len(self.images)

    def __getitem__(self, index):
        item = self.images[index]
        try:
            image = _decode(item)
        except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds on bad files
            name = os.fspath(item) if isinstance(item, _PATH_TYPES) else f"X[{index}]"
            return torch.zeros(3, self.size, self.size), f"{name} ({type(exc).__name__}: {exc})"
        return self.preprocess(image).as_subclass(torch.Tensor), ""


def _decode(item):
    """An image as an RGB PIL image (files, PIL images, uint8 arrays) or a (3, H, W) tensor.

    uint8 arrays go through Pillow, so that the pixels of a file give the same
    features as the file; float arrays are resized by torch.
    """
    from PIL import Image

    if isinstance(item, _PATH_TYPES):
        with Image.open(item) as image:
            return image.convert("RGB")
    if isinstance(item, Image.Image):
        return item.convert("RGB")
    array = np.asarray(item)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise ValueError(f"an image array must be (H, W) or (H, W, 3); got {array.shape}")
    array = array if array.ndim == 2 else array[:, :, :3]
    if array.dtype == np.uint8:
        return Image.fromarray(np.ascontiguousarray(array)).convert("RGB")
    if array.dtype.kind not in "fb":
        raise ValueError(f"image arrays must be uint8 or float in [0, 1]; got {array.dtype}")
    tensor = torch.from_numpy(np.array(array, dtype=np.float32, ndmin=3, copy=True))
    tensor = tensor.permute(2, 0, 1) if array.ndim == 3 else tensor
    return tensor.expand(3, -1, -1) if tensor.shape[0] == 1 else tensor
