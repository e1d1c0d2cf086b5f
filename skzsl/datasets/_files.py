"""Reading data files: every error names the file and what it should hold.

The loaders read every user-supplied file (``.mat``, ``.npy``, text lists)
through :func:`read_data_file`, so that a damaged, truncated or foreign file
fails with a message that says which file it is, instead of scipy's or
numpy's bare "Unknown mat file type" or "mmap length is greater than file
size".
"""

import os

import numpy as np
from scipy.io import loadmat
from scipy.io.matlab import MatReadError

__all__ = ["read_data_file"]

# what scipy and numpy raise on a file they cannot parse
_UNREADABLE = (ValueError, OSError, EOFError, MatReadError)


def read_data_file(path, *, variables=None, required=(), layout=None):
    """Read a ``.mat``, ``.npy`` or text data file.

    Parameters
    ----------
    path : str or path-like
        The file; its suffix says how to read it.
    variables : sequence of str, default=None
        For a ``.mat`` file, the variables to read; ``None`` reads them all.
    required : sequence of str, default=()
        Variables a ``.mat`` file must hold.
    layout : str, default=None
        What the file is expected to be, for the error messages, e.g.
        ``"the xlsa17 att_splits.mat layout (...)"``.

    Returns
    -------
    content : dict, ndarray or list of str
        A ``.mat`` file: its variables by name. A ``.npy`` file: the array,
        memory-mapped read-only. Any other file: its non-blank lines, stripped.

    Raises
    ------
    FileNotFoundError
        If ``path`` is not a file.
    ValueError
        If the file cannot be parsed, or lacks a ``required`` variable; the
        message names the file.
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path} does not exist or is not a file.")
    expected = f"; expected {layout}" if layout else ""
    suffix = os.path.splitext(path)[1].lower()
    try:
        if suffix == ".mat":
            content = loadmat(path, variable_names=variables, appendmat=False)
        elif suffix == ".npy":
            # an object (pickled) array cannot be mapped: refused, never unpickled
            content = np.load(path, mmap_mode="r", allow_pickle=False)
        else:
            with open(path, encoding="utf-8") as f:
                content = [line.strip() for line in f if line.strip()]
    except NotImplementedError as exc:
        # scipy reads MATLAB files up to v7; v7.3 files are HDF5
        raise ValueError(
            f"Cannot read {path}: it is a MATLAB v7.3 (HDF5) file, which skzsl does not read "
            f"({exc}). Re-save it in MATLAB with save(..., '-v7'){expected}."
        ) from exc
    except _UNREADABLE as exc:
        kind = {".mat": "a MATLAB .mat file", ".npy": "a numeric NumPy .npy array"}.get(
            suffix, "a UTF-8 text file")
        reason = str(exc).rstrip(".")
        raise ValueError(
            f"Cannot read {path} as {kind}: {reason}. The file is damaged, truncated or of "
            f"another format{expected}."
        ) from exc
    missing = [name for name in required if name not in content]
    if missing:
        raise ValueError(f"{path} has no variable {', '.join(map(repr, missing))}{expected}.")
    return content
