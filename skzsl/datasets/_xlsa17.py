"""Loader for the standard GZSL benchmarks in the xlsa17 layout (Xian et al.)."""

import os
from itertools import combinations

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._base import DATA_HOME_ENV, get_data_home
from ._files import read_data_file

__all__ = ["load_xlsa17"]

XLSA17_URL = "https://datasets.d2.mpi-inf.mpg.de/xian/xlsa17.zip"
XLSA17_PAGE = (
    "https://www.mpi-inf.mpg.de/departments/computer-vision-and-machine-learning/research/"
    "zero-shot-learning/zero-shot-learning-the-good-the-bad-and-the-ugly"
)
FLO_URL = "https://datasets.d2.mpi-inf.mpg.de/xian/cvpr18xian.zip"

# Folders below data_home searched for <NAME>/, in this order. "xlsa17/data" is
# where the official archive unpacks; "data" is the layout of most published code.
SEARCHED_SUBFOLDERS = ("", "xlsa17", os.path.join("xlsa17", "data"), "data")

_DATASETS = {
    "AWA1": ("Animals with Attributes 1 (Lampert et al., 2009)",
             "85 continuous attributes per class"),
    "AWA2": ("Animals with Attributes 2 (Xian et al., 2018)",
             "85 continuous attributes per class"),
    "CUB": ("Caltech-UCSD Birds-200-2011 (Wah et al., 2011)",
            "312 continuous attributes per class"),
    "SUN": ("SUN Attribute database (Patterson and Hays, 2012)",
            "102 continuous attributes per class"),
    "FLO": ("Oxford Flowers 102 (Nilsback and Zisserman, 2008)",
            "1024-d character-CNN-RNN text embeddings per class (Reed et al., 2016)"),
    "APY": ("attribute Pascal and Yahoo (Farhadi et al., 2009)",
            "64 continuous attributes per class"),
}

_SEMANTICS_OPTIONS = ("att", "original_att", "sent")

_SPLIT_KEYS = ("trainval_loc", "test_seen_loc", "test_unseen_loc")
_SPLITS_LAYOUT = (
    "the xlsa17 {file} layout: 'att' (n_attributes x n_classes), and 'trainval_loc', "
    "'test_seen_loc', 'test_unseen_loc' (1-based rows of res101.mat)"
)
_RES101_LAYOUT = (
    "the xlsa17 res101.mat layout: 'features' (d x n_images), 'labels' (1-based class ids, "
    "one per image) and optionally 'image_files'"
)
_FEATURES_LAYOUT = "a 'features' variable of shape (d, n_images), as in res101.mat"


def load_xlsa17(name, *, data_home=None, semantics="att", features=None):
    """Load a GZSL benchmark stored in the xlsa17 layout.

    Reads the proposed splits of Xian et al. ("Zero-Shot Learning - The Good,
    the Bad and the Ugly") for AWA1, AWA2, CUB, SUN, FLO or APY from
    ``<data_home>/<NAME>/res101.mat`` and ``att_splits.mat``. skzsl downloads
    nothing: get the ``xlsa17.zip`` archive from the project page at MPI-INF
    (AWA1, AWA2, CUB, SUN, APY; FLO is in the f-CLSWGAN data release
    ``cvpr18xian.zip``), unpack it, and point ``data_home`` (or the
    ``SKZSL_DATA`` environment variable) at it. The dataset folder is
    searched, in order, at ``<data_home>/<NAME>/``,
    ``<data_home>/xlsa17/<NAME>/``, ``<data_home>/xlsa17/data/<NAME>/``
    (where the official archive unpacks) and ``<data_home>/data/<NAME>/``.

    Parameters
    ----------
    name : {"AWA1", "AWA2", "CUB", "SUN", "FLO", "APY"}
        The dataset, case-insensitive.
    data_home : str or path-like, default=None
        Folder holding the data; see :func:`get_data_home`.
    semantics : {"att", "original_att", "sent"}, ndarray or DataFrame, default="att"
        The class semantics.

        - ``"att"``: ``att`` of ``att_splits.mat``, one L2-normalised vector
          per class (for FLO, a 1024-d text embedding).
        - ``"original_att"``: the attributes on their raw scale (not for FLO,
          whose file has none).
        - ``"sent"``: CUB only, 1024-d sentence embeddings from
          ``sent_splits.mat`` (as stored, not normalised), whose splits also
          carry the train/val class split.
        - an ndarray of shape (n_classes, d): your own semantics, row ``i``
          for the class of label id ``i + 1`` (the column order of ``att``).
        - a DataFrame indexed by the dataset's class labels (see Returns),
          one row per class.
    features : None, array-like or path-like, default=None
        The image features. ``None`` reads ``features`` from ``res101.mat``
        (2048-d ResNet-101). To bring your own (CLIP, ViT, region maps), give
        an array with one row per image in ``res101.mat`` row order, shape
        (n_images, ...), or the path of a ``.npy`` file holding one, or of a
        ``.mat`` file with a ``features`` variable of shape (d, n_images) as
        in ``res101.mat``. ``res101.mat`` is still read for the labels.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        X_trainval, X_test_seen, X_test_unseen : ndarray of float32
            Features of the three splits, shape (n_split_samples, d) (or the
            trailing shape of user features).
        y_trainval, y_test_seen, y_test_unseen : ndarray of shape (n_split_samples,)
            Class labels: class names (object array of str) when the file
            lists them (``allclasses_names``), else the 1-based integer class
            ids of ``res101.mat`` (FLO).
        class_attributes : DataFrame of shape (n_classes, n_semantics)
            Semantics of every class, indexed by label (index name
            ``"class"``); columns are attribute names when known, else
            ``"attr0"``, ``"attr1"``, ... Pass it as an estimator's
            ``class_attributes``.
        seen_classes, unseen_classes : ndarray
            Sorted labels of the trainval and test-unseen classes.
        train_index, val_index : ndarray of int or None
            0-based positions in ``X_trainval`` of the samples of the
            training and validation classes of the proposed class split, for
            model selection without the test set. None when the data has no
            such split.
        train_classes, val_classes : ndarray or None
            The labels of those classes.
        class_names : ndarray of str or None
            Class names in label-id order (``allclasses_names``).
        attribute_names : ndarray of str or None
            Read from an optional ``attribute_names.txt`` (one name per line,
            in ``att`` row order) in the dataset folder; None otherwise.
        image_files_trainval, image_files_test_seen, image_files_test_unseen : ndarray or None
            Image paths (str) from ``res101.mat`` where it has ``image_files``.
        DESCR : str
            Description of the dataset as loaded.

    Raises
    ------
    FileNotFoundError
        If a needed file is missing; the message names the path and where to
        get it.
    ValueError
        If ``name`` or ``semantics`` is unknown or unavailable for the
        dataset, or user ``features`` / ``semantics`` have the wrong shape.

    See Also
    --------
    get_data_home : Where the data folder is looked for.
    load_digits_zsl : A small real dataset that needs no download.

    Notes
    -----
    ``att`` columns are matched to classes by the 1-based label in
    ``res101.mat``, never by sorted class name: CUB's class order in xlsa17
    is not its id order.

    ``train_index`` / ``val_index`` come from ``train_loc`` / ``val_loc``
    where the file has them. In xlsa17 those vectors also index images of
    ``test_seen``; the loader keeps only positions inside trainval, so model
    selection never sees test images. Where the vectors are absent (CUB and
    APY ``att_splits.mat`` as some releases ship them), the class lists
    ``trainclasses1.txt`` / ``valclasses1.txt`` of the dataset folder are
    used when present, which is the split ``train_loc`` / ``val_loc``
    encode.

    The proposed splits are also meant for evaluation: report per-class
    accuracies on ``test_seen`` and ``test_unseen`` (see ``skzsl.metrics``).

    References
    ----------
    Y. Xian, C. H. Lampert, B. Schiele and Z. Akata, "Zero-Shot Learning - A
    Comprehensive Evaluation of the Good, the Bad and the Ugly", TPAMI 2018.

    Examples
    --------
    >>> from skzsl.datasets import load_xlsa17
    >>> data = load_xlsa17("AWA2")  # doctest: +SKIP
    >>> data.X_trainval.shape, data.class_attributes.shape  # doctest: +SKIP
    ((23527, 2048), (50, 85))
    >>> data.y_test_unseen[:2]  # doctest: +SKIP
    array(['bat', 'bat'], dtype=object)

    Bring your own features, in ``res101.mat`` row order:

    >>> data = load_xlsa17("CUB", features="clip_vitb16.npy")  # doctest: +SKIP
    """
    name = _check_name(name)
    folder = _dataset_folder(name, data_home)
    option = semantics if isinstance(semantics, str) else None
    use_sentences = option == "sent"
    _check_semantics_option(name, semantics)

    split_file = "sent_splits.mat" if use_sentences else "att_splits.mat"
    required = ("att", *_SPLIT_KEYS) + (("original_att",) if option == "original_att" else ())
    splits = read_data_file(_needed(folder, split_file, name, data_home), required=required,
                            layout=_SPLITS_LAYOUT.format(file=split_file))
    res101_path = _needed(folder, "res101.mat", name, data_home)
    required = ["labels"] + ([] if features is not None else ["features"])
    res101 = read_data_file(res101_path, variables=[*required, "image_files"],
                            required=required, layout=_RES101_LAYOUT)

    att = splits["att"]
    n_classes = att.shape[1]
    label_ids = np.asarray(res101["labels"]).ravel().astype(np.int64)
    n_images = label_ids.size
    if label_ids.min() < 1 or label_ids.max() > n_classes:
        raise ValueError(
            f"The labels of {res101_path} run from {label_ids.min()} to {label_ids.max()}, but "
            f"{split_file} describes {n_classes} classes (1 to {n_classes}). The two files "
            "come from different datasets; put the matching files in one folder."
        )
    locs = {key: _loc(splits, key, n_images, split_file) for key in _SPLIT_KEYS}
    _check_disjoint(locs, os.path.join(folder, split_file))

    class_names = _class_names(splits, n_classes, split_file)
    label_values = (np.asarray(class_names, dtype=object) if class_names is not None
                    else np.arange(1, n_classes + 1))
    attribute_names = None if use_sentences else _attribute_names(folder, att.shape[0])
    class_attributes = _class_attribute_frame(semantics, splits, label_values, attribute_names,
                                              name, split_file)

    X = _features(features, res101, n_images, res101_path)
    image_files = _mat_strings(res101["image_files"]) if "image_files" in res101 else None

    tv, ts, tu = locs["trainval_loc"], locs["test_seen_loc"], locs["test_unseen_loc"]
    if np.intersect1d(label_ids[tv], label_ids[tu]).size:
        raise ValueError(
            f"trainval_loc and test_unseen_loc of {split_file} share classes given the labels "
            f"of {res101_path}; the files come from different releases."
        )
    train_ids, val_ids = _class_split(splits, label_ids, tv, folder, class_names, split_file)

    data = Bunch()
    for split, rows in (("trainval", tv), ("test_seen", ts), ("test_unseen", tu)):
        data[f"X_{split}"] = X[rows]
        data[f"y_{split}"] = label_values[label_ids[rows] - 1]
    data.class_attributes = class_attributes
    data.seen_classes = np.unique(data.y_trainval)
    data.unseen_classes = np.unique(data.y_test_unseen)
    if train_ids is None:
        data.train_index = data.val_index = data.train_classes = data.val_classes = None
    else:
        data.train_index = np.flatnonzero(np.isin(label_ids[tv], train_ids))
        data.val_index = np.flatnonzero(np.isin(label_ids[tv], val_ids))
        data.train_classes = np.unique(label_values[train_ids - 1])
        data.val_classes = np.unique(label_values[val_ids - 1])
    data.class_names = None if class_names is None else np.asarray(class_names)
    data.attribute_names = attribute_names
    for split, rows in (("trainval", tv), ("test_seen", ts), ("test_unseen", tu)):
        data[f"image_files_{split}"] = None if image_files is None else image_files[rows]
    data.DESCR = _describe(name, data, semantics, folder, features)
    return data


def _check_name(name):
    if not isinstance(name, str) or name.upper() not in _DATASETS:
        raise ValueError(
            f"Unknown xlsa17 dataset {name!r}; valid names are {', '.join(_DATASETS)} "
            "(case-insensitive)."
        )
    return name.upper()


def _check_semantics_option(name, semantics):
    if isinstance(semantics, (np.ndarray, pd.DataFrame)):
        return
    if not isinstance(semantics, str) or semantics not in _SEMANTICS_OPTIONS:
        raise ValueError(
            f"semantics must be one of {', '.join(map(repr, _SEMANTICS_OPTIONS))}, an ndarray "
            "of shape (n_classes, d) or a DataFrame indexed by class label; got "
            f"{semantics!r} ({type(semantics).__name__})."
        )
    if semantics == "sent" and name != "CUB":
        raise ValueError(
            f"semantics='sent' is only available for CUB (sent_splits.mat); {name} has no "
            "sentence embeddings in xlsa17. For FLO, semantics='att' already is a 1024-d "
            "text embedding."
        )
    if semantics == "original_att" and name == "FLO":
        raise ValueError(
            "FLO has no 'original_att': its class semantics are 1024-d text embeddings with no "
            "raw attribute scale, and its att_splits.mat stores only 'att'. Use semantics='att'."
        )


def _missing_message(path, name, data_home):
    if name == "FLO":
        source = (f"FLO is not in the xlsa17 archive: get res101.mat and att_splits.mat from "
                  f"the f-CLSWGAN data release ({FLO_URL}, folder data/FLO), also shipped with "
                  "the TF-VAEGAN code.")
    else:
        source = (f"Get them from the xlsa17 archive ({XLSA17_URL}) of Xian et al., 'Zero-Shot "
                  f"Learning - The Good, the Bad and the Ugly' ({XLSA17_PAGE}).")
    return (
        f"Cannot load {name}: {path} does not exist. load_xlsa17 needs res101.mat (image "
        "features and labels) and att_splits.mat (class semantics and splits; "
        "sent_splits.mat for semantics='sent') in one dataset folder. "
        f"{source} Unpack the archive and pass data_home= (or set the {DATA_HOME_ENV} "
        f"environment variable to) the folder holding {name}/ (now {get_data_home(data_home)!r})."
    )


def _dataset_folder(name, data_home):
    home = get_data_home(data_home)
    candidates = [os.path.join(home, sub, name) for sub in SEARCHED_SUBFOLDERS]
    for folder in candidates:
        if os.path.isdir(folder):
            return folder
    raise FileNotFoundError(
        _missing_message(candidates[0], name, data_home)
        + " Searched: " + ", ".join(candidates) + "."
    )


def _needed(folder, filename, name, data_home):
    path = os.path.join(folder, filename)
    if not os.path.isfile(path):
        raise FileNotFoundError(_missing_message(path, name, data_home))
    return path


def _loc(splits, key, n_images, split_file):
    loc = np.asarray(splits[key]).ravel().astype(np.int64) - 1
    if loc.size and (loc.min() < 0 or loc.max() >= n_images):
        raise ValueError(
            f"{key} of {split_file} refers to image rows {loc.min() + 1} to {loc.max() + 1}, "
            f"but res101.mat has {n_images} images; the files come from different datasets."
        )
    return loc


def _check_disjoint(locs, path):
    """Each image in one split only: a shared row would leak test images into training."""
    for first, second in combinations(_SPLIT_KEYS, 2):
        shared = np.intersect1d(locs[first], locs[second])
        if shared.size:
            raise ValueError(
                f"{first} and {second} of {path} share {shared.size} image row(s) (1-based, "
                f"as in the file: {(shared[:10] + 1).tolist()}"
                f"{', ...' if shared.size > 10 else ''}). Every image belongs to one split "
                "only, or test images leak into training; the file is damaged or was edited. "
                "Use the official split file, or remove those rows from one of the splits."
            )


def _mat_strings(cell):
    """Decode a MATLAB cell array of strings, which loadmat nests in object arrays."""
    out = []
    for item in np.asarray(cell, dtype=object).ravel():
        while isinstance(item, np.ndarray):
            item = item.ravel()[0] if item.size else ""
        out.append(str(item).strip())
    return np.asarray(out)


def _class_names(splits, n_classes, split_file):
    if "allclasses_names" not in splits:
        return None
    names = _mat_strings(splits["allclasses_names"])
    if names.size != n_classes or np.unique(names).size != n_classes:
        raise ValueError(
            f"allclasses_names of {split_file} holds {names.size} names "
            f"({np.unique(names).size} distinct) for {n_classes} classes; the file is damaged."
        )
    return names


def _attribute_names(folder, n_attributes):
    path = os.path.join(folder, "attribute_names.txt")
    if not os.path.isfile(path):
        return None
    names = read_data_file(path)
    if len(names) != n_attributes:
        raise ValueError(
            f"{path} lists {len(names)} attribute names but the class semantics have "
            f"{n_attributes} attributes; give one name per line, in the row order of 'att'."
        )
    return np.asarray(names)


def _class_attribute_frame(semantics, splits, label_values, attribute_names, name, split_file):
    index = pd.Index(label_values, name="class")
    n_classes = label_values.size
    if isinstance(semantics, pd.DataFrame):
        missing = index.difference(semantics.index)
        extra = semantics.index.difference(index)
        if len(missing) or len(extra):
            raise ValueError(
                f"The semantics DataFrame must have one row per {name} class, indexed by the "
                f"labels of y (e.g. {list(label_values[:3])}); missing {list(missing[:5])}, "
                f"unknown {list(extra[:5])}."
            )
        if semantics.index.has_duplicates:
            raise ValueError("The semantics DataFrame has duplicate class labels in its index.")
        return semantics.loc[index].set_axis(index, axis=0)
    if isinstance(semantics, np.ndarray):
        matrix = semantics
        if matrix.ndim != 2 or matrix.shape[0] != n_classes:
            raise ValueError(
                f"A semantics array for {name} must have shape (n_classes, d) = ({n_classes}, d), "
                f"row i for the class of label id i + 1; got shape {matrix.shape}."
            )
        columns = [f"attr{i}" for i in range(matrix.shape[1])]
        return pd.DataFrame(matrix, index=index, columns=columns)
    # sent_splits.mat stores its sentence embeddings under "att"
    key = "att" if semantics == "sent" else semantics
    matrix = np.asarray(splits[key], dtype=np.float64).T
    columns = (list(attribute_names) if attribute_names is not None
               else [f"attr{i}" for i in range(matrix.shape[1])])
    return pd.DataFrame(matrix, index=index, columns=columns)


def _features(features, res101, n_images, res101_path):
    if features is None:
        X = np.asarray(res101["features"])
        if X.ndim != 2 or X.shape[1] != n_images:
            raise ValueError(
                f"'features' of {res101_path} has shape {X.shape}; expected (d, {n_images}), "
                "one column per image as in the official file."
            )
        return np.ascontiguousarray(X.T, dtype=np.float32)
    if isinstance(features, (str, os.PathLike)):
        features = _read_feature_file(os.fspath(features), n_images)
    X = np.asarray(features)
    if X.ndim < 2 or X.shape[0] != n_images:
        raise ValueError(
            f"features must have one row per image of res101.mat in its row order, shape "
            f"({n_images}, ...); got shape {X.shape}. An array stored like res101.mat, "
            "(d, n_images), must be transposed."
        )
    if not np.issubdtype(X.dtype, np.number):
        raise ValueError(f"features must be numeric; got dtype {X.dtype}.")
    return np.asarray(X, dtype=np.float32)


def _read_feature_file(path, n_images):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"The features file {path} does not exist.")
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".npy":
        return read_data_file(path)
    if suffix == ".mat":
        X = read_data_file(path, variables=["features"], required=["features"],
                           layout=_FEATURES_LAYOUT)["features"]
        if X.ndim != 2 or X.shape[1] != n_images:
            raise ValueError(
                f"'features' of {path} has shape {X.shape}; a .mat features file follows "
                f"res101.mat, shape (d, {n_images}). Save (n_images, ...) arrays as .npy."
            )
        return X.T
    raise ValueError(f"A features file must be .npy or .mat; got {path}.")


def _class_split(splits, label_ids, trainval, folder, class_names, split_file):
    """Label ids (1-based) of the train and val classes of the proposed split, or None."""
    if "train_loc" in splits and "val_loc" in splits:
        n_images = label_ids.size
        train = np.unique(label_ids[_loc(splits, "train_loc", n_images, split_file)])
        val = np.unique(label_ids[_loc(splits, "val_loc", n_images, split_file)])
    else:
        paths = [os.path.join(folder, f) for f in ("trainclasses1.txt", "valclasses1.txt")]
        if class_names is None or not all(os.path.isfile(p) for p in paths):
            return None, None
        train, val = (_class_list_ids(p, class_names) for p in paths)
    seen = np.unique(label_ids[trainval])
    if np.intersect1d(train, val).size or not np.array_equal(np.union1d(train, val), seen):
        raise ValueError(
            f"The train/val class split of {folder} does not partition the trainval classes "
            f"({train.size} train and {val.size} val classes for {seen.size} trainval classes)."
        )
    return train, val


def _class_list_ids(path, class_names):
    listed = read_data_file(path)
    unknown = sorted(set(listed) - set(class_names))
    if unknown:
        raise ValueError(
            f"{path} lists classes not in allclasses_names: {unknown[:5]}; the class lists "
            "and att_splits.mat come from different releases."
        )
    position = {n: i + 1 for i, n in enumerate(class_names)}
    return np.unique([position[n] for n in listed])


def _describe(name, data, semantics, folder, features):
    title, default_semantics = _DATASETS[name]
    if isinstance(semantics, str):
        what = {"att": default_semantics + ", L2-normalised (att)",
                "original_att": default_semantics + ", raw scale (original_att)",
                "sent": "1024-d CNN-RNN sentence embeddings per class (sent_splits.mat)",
                }[semantics]
    else:
        what = f"user-supplied, {data.class_attributes.shape[1]} dimensions per class"
    if features is None:
        source = "2048-d ResNet-101 features (res101.mat)"
    elif isinstance(features, (str, os.PathLike)):
        source = f"user features from {os.fspath(features)}"
    else:
        source = "user-supplied features"
    shape = data.X_trainval.shape[1:]
    if data.train_index is None:
        val = "none in these files"
    else:
        val = (f"{data.train_classes.size} train / {data.val_classes.size} val classes "
               f"({data.train_index.size} / {data.val_index.size} trainval samples)")
    return f"""{name}: {title}, proposed split of Xian et al. (xlsa17)
{'=' * (len(name) + len(title) + 2)}

Read from {folder}.

- features: {source}, shape per sample {shape}
- semantics: {what}
- trainval: {data.y_trainval.size} samples of {data.seen_classes.size} seen classes
- test_seen: {data.y_test_seen.size} samples of the seen classes
- test_unseen: {data.y_test_unseen.size} samples of {data.unseen_classes.size} unseen classes
- train/val class split for model selection: {val}

Choose hyperparameters on the train/val class split of trainval, never on
the test splits. Report the mean per-class accuracy on test_unseen (ZSL) and
S, U and their harmonic mean H over test_seen and test_unseen (GZSL).

Reference: Y. Xian, C. H. Lampert, B. Schiele and Z. Akata, "Zero-Shot
Learning - A Comprehensive Evaluation of the Good, the Bad and the Ugly",
TPAMI 2018.
"""
