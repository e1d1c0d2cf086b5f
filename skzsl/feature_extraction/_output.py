"""Where extracted features go: an array in memory, or a ``.npy`` file written batch by batch.

The file is a plain ``.npy`` (``np.load`` reads it, ``mmap_mode="r"`` maps it)
written with ordinary file writes at each batch's offset, so the pages of the
output never count towards the process's memory. Next to it, while the
extraction runs, ``<file>.progress.json`` records how many leading rows are
finished and which inputs could not be read; an interrupted run that is
started again with the same inputs and settings continues from there. The
record goes when the last row is written.
"""

import json
import os

import numpy as np

__all__ = ["ArrayOutput", "NpyFileOutput", "progress_path"]


def progress_path(path):
    """The progress record of the ``.npy`` file ``path``."""
    return os.fspath(path) + ".progress.json"


class ArrayOutput:
    """Rows written into one preallocated float32 array."""

    def __init__(self, shape):
        self.array = np.empty(shape, dtype=np.float32)
        self.start = 0
        self.skipped = []

    def write(self, start, block, skipped=()):
        self.array[start:start + len(block)] = block
        self.skipped.extend(skipped)

    def finish(self):
        return self.array

    def close(self):
        pass


class NpyFileOutput:
    """Rows streamed into a float32 ``.npy`` file, resumable after an interruption.

    Parameters
    ----------
    path : str or path-like
        The ``.npy`` file.
    shape : tuple of int
        Shape of the whole output.
    fingerprint : str
        What identifies the extraction (inputs and settings); a progress
        record with another fingerprint or shape is not resumed from.

    Attributes
    ----------
    start : int
        Rows already finished (0 for a new file).
    skipped : list of str
        Inputs that could not be read, in row order (their rows are NaN).
    """

    def __init__(self, path, shape, fingerprint):
        self.path = os.fspath(path)
        self.shape = tuple(int(s) for s in shape)
        self.fingerprint = fingerprint
        self.start, self.skipped = self._resume()
        if self.start == 0:
            self._create()
        self._file = open(self.path, "r+b")
        self._row_bytes = int(np.prod(self.shape[1:], dtype=np.int64)) * 4

    def _resume(self):
        record = self.read_record(self.path)
        if (record is None or record.get("fingerprint") != self.fingerprint
                or tuple(record.get("shape", ())) != self.shape):
            return 0, []
        try:
            existing = np.load(self.path, mmap_mode="r")
        except (OSError, ValueError):
            return 0, []
        if existing.shape != self.shape or existing.dtype != np.float32:
            return 0, []
        self._offset = existing.offset
        return int(record["rows_done"]), list(record.get("skipped", []))

    @staticmethod
    def read_record(path):
        """The progress record of ``path`` as a dict, or None when there is none."""
        try:
            with open(progress_path(path), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def _create(self):
        # open_memmap writes the header and sizes the file (sparse where the
        # filesystem allows); the rows are then written with plain file writes
        created = np.lib.format.open_memmap(self.path, mode="w+", dtype=np.float32,
                                            shape=self.shape)
        self._offset = created.offset
        del created
        self._save_record(0)

    def _save_record(self, rows_done):
        record = {"fingerprint": self.fingerprint, "shape": list(self.shape),
                  "rows_done": rows_done, "skipped": self.skipped}
        tmp = progress_path(self.path) + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(tmp, progress_path(self.path))

    def write(self, start, block, skipped=()):
        """Write rows ``start:start + len(block)``, then record them as finished."""
        self._file.seek(self._offset + start * self._row_bytes)
        self._file.write(np.ascontiguousarray(block, dtype=np.float32).data)
        self._file.flush()
        self.skipped.extend(skipped)
        self._save_record(start + len(block))

    def finish(self):
        """Close the file, drop the progress record and map the result read-only."""
        self.close()
        os.remove(progress_path(self.path))
        return np.load(self.path, mmap_mode="r")

    def close(self):
        if not self._file.closed:
            self._file.close()
