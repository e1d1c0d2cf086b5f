"""The features of an xlsa17 benchmark rebuilt from its images, in ``res101.mat`` row order."""

import os
import re

import numpy as np
from scipy.io import loadmat
from sklearn.base import clone
from sklearn.utils import Bunch

from ..datasets._xlsa17 import _check_name, _dataset_folder, _mat_strings, _needed
from ._image import ImageFeatureExtractor
from ._output import NpyFileOutput, progress_path

__all__ = ["IMAGE_LAYOUTS", "benchmark_image_paths", "extract_benchmark_features"]

# the ResNet-101 of the GZSL references: torchvision's pretrained=True, now IMAGENET1K_V1
# ("DEFAULT" is the later IMAGENET1K_V2 recipe, another network)
REFERENCE_EXTRACTOR = ImageFeatureExtractor("resnet101", weights="IMAGENET1K_V1")

# dataset -> (the folder of the official image release that every res101.mat
# image path runs through, what the release looks like)
IMAGE_LAYOUTS = {
    "CUB": ("images", "CUB_200_2011/ holding images/<class>/<image>.jpg (and images.txt)"),
    "AWA2": ("JPEGImages", "Animals_with_Attributes2/ holding JPEGImages/<class>/<image>.jpg"),
    "SUN": ("images", "the SUN attribute release holding images/<letter>/<scene>/<image>.jpg"),
    "FLO": ("jpg", "the Oxford 102 Flowers release holding jpg/image_<number>.jpg"),
}


def benchmark_image_paths(dataset, image_root, *, image_files=None, data_home=None):
    """The local image files of an xlsa17 benchmark, in ``res101.mat`` row order.

    Each path of the ``image_files`` list of ``res101.mat`` (written on the
    machines of the authors, e.g.
    ``/BS/.../CUB_200_2011/images/001.Black_footed_Albatross/....jpg``) is
    re-rooted at the image folder of ``image_root``: the part after the
    dataset's image folder (``images/`` for CUB and SUN, ``JPEGImages/`` for
    AWA2, ``jpg/`` for FLO) is joined to it. Files are not opened.

    Parameters
    ----------
    dataset : {"CUB", "AWA2", "SUN", "FLO"}
        The benchmark, case-insensitive (see :data:`IMAGE_LAYOUTS`).
    image_root : str or path-like
        The official image release: the folder that holds the image folder
        (``CUB_200_2011/``, ``Animals_with_Attributes2/``...), or the image
        folder itself.
    image_files : sequence of str or path-like, default=None
        The image list in row order. ``None`` reads ``image_files`` from the
        dataset's ``res101.mat`` under ``data_home`` (as
        :func:`~skzsl.datasets.load_xlsa17` finds it); a path names a text
        file with one image per line.
    data_home : str or path-like, default=None
        Where to find ``res101.mat`` (see :func:`~skzsl.datasets.get_data_home`).

    Returns
    -------
    paths : ndarray of str of shape (n_images,)
        Local image files, in ``res101.mat`` row order.

    Raises
    ------
    FileNotFoundError
        If ``image_root`` has no image folder, or ``res101.mat`` is missing.
    ValueError
        If an entry of ``image_files`` does not run through the image folder.

    Examples
    --------
    >>> import os, tempfile
    >>> from skzsl.feature_extraction import benchmark_image_paths
    >>> root = tempfile.mkdtemp()          # stands for /data/CUB_200_2011
    >>> os.mkdir(os.path.join(root, "images"))
    >>> stored = ["/BS/xian/CUB_200_2011/images/001.Black_footed_Albatross/a_1.jpg"]
    >>> paths = benchmark_image_paths("CUB", root, image_files=stored)
    >>> os.path.relpath(paths[0], root)
    'images/001.Black_footed_Albatross/a_1.jpg'
    """
    name = _check_name(dataset)
    if name not in IMAGE_LAYOUTS:
        raise ValueError(
            f"No image layout for {name}: images can be mapped for "
            f"{', '.join(IMAGE_LAYOUTS)}. For another dataset, run ImageFeatureExtractor on "
            "your list of files in res101.mat row order.")
    folder, description = IMAGE_LAYOUTS[name]
    base = _image_folder(os.fspath(image_root), folder, name, description)
    if image_files is None:
        path = _needed(_dataset_folder(name, data_home), "res101.mat", name, data_home)
        mat = loadmat(path, variable_names=["image_files"])
        if "image_files" not in mat:
            raise ValueError(f"{path} has no 'image_files'; pass image_files= yourself.")
        image_files = _mat_strings(mat["image_files"])
    elif isinstance(image_files, (str, os.PathLike)):
        with open(image_files, encoding="utf-8") as f:
            image_files = [line.strip() for line in f if line.strip()]
    return np.asarray([os.path.join(base, *_below(os.fspath(f), folder, name))
                       for f in image_files])


def _image_folder(root, folder, name, description):
    if os.path.isdir(os.path.join(root, folder)):
        return os.path.join(root, folder)
    if os.path.basename(os.path.normpath(root)) == folder and os.path.isdir(root):
        return root
    raise FileNotFoundError(
        f"{root} is not a {name} image root: it has no {folder}/ folder. Pass the official "
        f"release, {description}.")


def _below(stored, folder, name):
    """The parts of a stored image path after the last ``folder`` directory."""
    parts = [p for p in re.split(r"[\\/]+", stored) if p]
    positions = [i for i, part in enumerate(parts[:-1]) if part == folder]
    if not positions:
        raise ValueError(
            f"The image path {stored!r} has no {folder}/ folder, which every {name} path of "
            f"res101.mat runs through; the list is not a {name} image list.")
    return parts[positions[-1] + 1:]


def extract_benchmark_features(dataset, image_root, output_file, *, extractor=None,
                               image_files=None, data_home=None, overwrite=False):
    """Rebuild the image features of an xlsa17 benchmark from its images.

    Runs ``extractor`` on the dataset's images (:func:`benchmark_image_paths`)
    and writes the features to ``output_file``, a ``.npy`` file with one row
    per image in ``res101.mat`` row order: what
    :func:`~skzsl.datasets.load_xlsa17` takes as ``features=`` and
    ``skzsl benchmark`` as ``--features``. Rows stream to the file batch by
    batch; an interrupted run, started again with the same arguments,
    continues after the last finished batch.

    Parameters
    ----------
    dataset : {"CUB", "AWA2", "SUN", "FLO"}
        The benchmark, case-insensitive.
    image_root : str or path-like
        The official image release (see :func:`benchmark_image_paths`).
    output_file : str or path-like
        The ``.npy`` file to write.
    extractor : ImageFeatureExtractor, default=None
        How to extract (cloned; its ``output_file`` is set to this one).
        ``None``: ``ImageFeatureExtractor(weights="IMAGENET1K_V1")``,
        ResNet-101 with the ImageNet weights the references used
        (torchvision's ``pretrained=True``), pooled 2048-d features at 224 px
        like the ``res101.mat`` features;
        ``ImageFeatureExtractor(weights="IMAGENET1K_V1", output="regions")``
        gives the 448-px region maps of MSDN.
    image_files : sequence of str or path-like, default=None
        The image list in row order; ``None`` reads it from ``res101.mat``.
    data_home : str or path-like, default=None
        Where to find ``res101.mat``.
    overwrite : bool, default=False
        Replace a finished ``output_file``; without it, a finished file is
        an error (an unfinished one is resumed).

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        features : ndarray of float32
            ``output_file`` mapped read-only, ``(n_images, C)`` or
            ``(n_images, C, H, W)``.
        image_files : ndarray of str
            The image read for each row.
        skipped : list of str
            With ``on_error="skip"``: the images that could not be read,
            whose rows are NaN (also listed in ``<output_file>.skipped.txt``).
            Drop those rows before fitting.

    Raises
    ------
    FileNotFoundError
        If images are missing (with ``on_error="raise"``, checked before any
        is read; the message lists them) or ``res101.mat`` is.
    FileExistsError
        If ``output_file`` is finished and ``overwrite`` is False.
    ImageReadError
        If an image cannot be decoded (with ``on_error="raise"``).

    See Also
    --------
    ImageFeatureExtractor : The extraction itself, on any list of images.
    skzsl.datasets.load_xlsa17 : Reads the result with ``features=output_file``.

    Examples
    --------
    >>> from skzsl.feature_extraction import extract_benchmark_features
    >>> from skzsl.datasets import load_xlsa17
    >>> extract_benchmark_features("CUB", "/data/CUB_200_2011", "cub_res101.npy",
    ...                            data_home="/data/xlsa17")  # doctest: +SKIP
    >>> data = load_xlsa17("CUB", data_home="/data/xlsa17",
    ...                    features="cub_res101.npy")  # doctest: +SKIP
    """
    paths = benchmark_image_paths(dataset, image_root, image_files=image_files,
                                  data_home=data_home)
    output_file = os.fspath(output_file)
    extractor = clone(REFERENCE_EXTRACTOR if extractor is None else extractor)
    extractor.set_params(output_file=output_file)
    unfinished = NpyFileOutput.read_record(output_file) is not None
    if os.path.exists(output_file) and not unfinished and not overwrite:
        raise FileExistsError(
            f"{output_file} exists and is finished; pass overwrite=True (--overwrite) to "
            "extract again.")
    if overwrite and unfinished:
        os.remove(progress_path(output_file))
    if extractor.on_error == "raise":
        _check_files_exist(paths)
    features, skipped = extractor.fit(paths)._extract(paths)
    listing = output_file + ".skipped.txt"
    if skipped:
        with open(listing, "w", encoding="utf-8") as f:
            f.write("\n".join(skipped) + "\n")
    elif os.path.exists(listing):
        os.remove(listing)
    return Bunch(features=features, image_files=paths, skipped=skipped)


def _check_files_exist(paths):
    missing = [p for p in paths if not os.path.isfile(p)]
    if missing:
        shown = "\n  ".join(missing[:10]) + ("\n  ..." if len(missing) > 10 else "")
        raise FileNotFoundError(
            f"{len(missing)} of the {len(paths)} images are missing:\n  {shown}\n"
            "Check the image root, or pass on_error='skip' to the extractor to give them "
            "NaN rows.")
