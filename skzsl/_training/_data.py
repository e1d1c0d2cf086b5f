"""Data of the neural estimators: datasets, batch samplers, loaders, outputs to numpy."""

import numpy as np
import torch
from skorch.dataset import Dataset
from skorch.utils import multi_indexing
from torch.utils.data import DataLoader, Sampler

__all__ = ["RowCopyDataset", "collate_batch", "ClassBalancedBatchSampler",
           "class_balanced_loader", "RandomDrawBatchSampler", "FullBatchSampler",
           "sampler_loader", "gather", "to_numpy"]


def to_numpy(tensor):
    """A detached CPU numpy copy of a tensor."""
    return tensor.detach().to("cpu", torch.float32).numpy()


def gather(outputs, dtype=np.float64, n_rows=None):
    """Concatenate the batches of skorch's ``forward_iter`` into numpy arrays.

    Each batch is a tensor or a dict of tensors; the result is an array, or a
    dict of arrays, of ``dtype``. With ``n_rows`` (tensor batches only) the
    result is allocated once and filled batch by batch, so a large output is
    never held twice.
    """
    if n_rows is not None:
        out, start = None, 0
        for batch in outputs:
            batch = batch.detach().cpu().numpy()
            if out is None:
                out = np.empty((n_rows, *batch.shape[1:]), dtype=dtype)
            out[start:start + len(batch)] = batch
            start += len(batch)
        return out if out is not None else np.empty((0,), dtype=dtype)
    outputs = list(outputs)
    if outputs and isinstance(outputs[0], dict):
        return {key: gather((out[key] for out in outputs), dtype) for key in outputs[0]}
    return torch.cat(outputs).detach().cpu().numpy().astype(dtype, copy=False)


class RowCopyDataset(Dataset):
    """skorch's ``Dataset``, read a batch at a time, copying a row only when it is read-only.

    A ``DataLoader`` reads a whole batch with one indexing call
    (``__getitems__``) instead of one call per row followed by a collate,
    which on small features costs several times the training step itself;
    :func:`collate_batch` then turns the arrays into tensors. A read-only
    array, such as a ``np.memmap`` opened with ``mode="r"`` for region
    features larger than memory, is read batch by batch (nothing is loaded up
    front); each row is copied so that torch gets writable memory (it warns on
    read-only NumPy arrays). Writable arrays pass through unchanged.
    """

    def transform(self, X, y):
        X, y = super().transform(X, y)
        if isinstance(X, np.ndarray) and not X.flags.writeable:
            X = X.copy()
        return X, y

    def __getitems__(self, indices):
        X = (_take(self.X, indices, self.X_indexing) if not self.X_is_ndframe else
             {k: self.X[k].values.reshape(-1, 1)[indices] for k in self.X})
        y = None if self.y is None else _take(self.y, indices, self.y_indexing)
        X, y = self.transform(X, y)
        return X, torch.zeros(len(indices)) if self.y is None else y


def _take(data, indices, indexing):
    """Rows ``indices`` of an array, tensor or dict of them (skorch's indexing otherwise).

    The samplers of this module yield index arrays, so that a batch costs one
    ``np.take`` (a read-only memory map included: the rows are copied).
    """
    if isinstance(data, np.ndarray):
        return np.take(data, np.asarray(indices), axis=0)
    if isinstance(data, torch.Tensor):
        return data.index_select(0, torch.as_tensor(indices, device=data.device))
    if isinstance(data, dict):
        return {k: _take(v, indices, None) for k, v in data.items()}
    return multi_indexing(data, np.asarray(indices), indexing)


def collate_batch(batch):
    """The collate function of :class:`RowCopyDataset` batches: arrays to tensors."""
    return tuple(_as_tensor(part) for part in batch)


def _as_tensor(value):
    if isinstance(value, dict):
        return {k: _as_tensor(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return torch.as_tensor(value)
    return value


class ClassBalancedBatchSampler(Sampler):
    """Class-balanced training batches, drawn as the official MSDN loaders draw them.

    Every batch takes ``min(n_classes, batch_size)`` distinct classes, chosen
    uniformly without replacement, and ``max(batch_size // n_classes, 1)``
    samples of each, chosen uniformly with replacement within the class (the
    ``is_balance=True`` branch of ``next_batch`` in the AWA2 and SUN loaders of
    shiming-chen/MSDN). With more classes than ``batch_size`` a batch is one
    sample of each of ``batch_size`` classes; with fewer, every class appears
    equally often. An epoch has ``max(n_samples // batch_size, 1)`` batches,
    the number of steps of the official scripts (``n_train * epochs // 50``
    iterations in all).

    Draws come from torch's global generator, so :func:`seeded` makes them
    reproducible.

    Parameters
    ----------
    labels : array-like of shape (n_samples,)
        Class label of each training sample.
    batch_size : int
        Requested batch size; the batch holds
        ``min(n_classes, batch_size) * max(batch_size // n_classes, 1)``
        samples.

    Examples
    --------
    >>> import numpy as np
    >>> from skzsl._training import ClassBalancedBatchSampler
    >>> sampler = ClassBalancedBatchSampler(np.repeat([0, 1, 2], [90, 5, 5]), batch_size=6)
    >>> len(sampler), [len(batch) for batch in sampler][:3]
    (16, [6, 6, 6])
    """

    def __init__(self, labels, batch_size):
        labels = np.asarray(labels).ravel()
        if labels.size == 0:
            raise ValueError("ClassBalancedBatchSampler needs at least one sample.")
        _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
        # samples sorted by class: class k owns order[starts[k]:starts[k] + counts[k]]
        self._order = torch.as_tensor(np.argsort(inverse, kind="stable"))
        self._counts = torch.as_tensor(counts)
        self._starts = torch.as_tensor(np.cumsum(counts) - counts)
        self.batch_size = int(batch_size)
        self.n_batches = max(labels.size // self.batch_size, 1)

    def __len__(self):
        return self.n_batches

    def __iter__(self):
        n_classes = self._counts.numel()
        n_drawn = min(n_classes, self.batch_size)
        per_class = max(self.batch_size // n_classes, 1)
        for _ in range(self.n_batches):
            classes = torch.randperm(n_classes)[:n_drawn]
            offsets = (torch.rand(n_drawn, per_class)
                       * self._counts[classes, None]).long()
            yield self._order[self._starts[classes, None] + offsets].ravel().tolist()


def class_balanced_loader(dataset, batch_size, **kwargs):
    """A skorch ``iterator_train`` over :class:`ClassBalancedBatchSampler` batches.

    Parameters
    ----------
    dataset : skorch.dataset.Dataset
        The training set skorch builds from ``(X, y)``; its ``y`` gives the classes.
    batch_size : int
        Requested batch size.
    **kwargs
        Other ``DataLoader`` arguments (``iterator_train__*``).

    Returns
    -------
    loader : torch.utils.data.DataLoader
    """
    labels = dataset.y
    if isinstance(labels, torch.Tensor):
        labels = labels.cpu().numpy()
    return DataLoader(dataset, batch_sampler=ClassBalancedBatchSampler(labels, batch_size),
                      **kwargs)


class RandomDrawBatchSampler(Sampler):
    """Batches of independent random draws, as the feature-generation codes sample.

    An epoch has ``n_passes * ceil(n_samples / batch_size)`` iterations; each
    yields ``n_draws`` blocks of ``min(batch_size, n_samples)`` indices, every
    block a fresh ``randperm(n_samples)[:batch_size]`` (the official
    TF-VAEGAN and f-CLSWGAN ``next_seen_batch``: full batches, drawn
    independently, so an epoch is not a pass over the data). The generative
    nets split one iteration into its ``n_draws`` critic batches. Draws come
    from torch's global generator (:func:`seeded` makes them reproducible).

    Parameters
    ----------
    n_samples, batch_size, n_draws : int
    n_passes : int, default=1
        Passes per epoch (TF-VAEGAN's ``feedback_loop``).

    Examples
    --------
    >>> from skzsl._training import RandomDrawBatchSampler
    >>> batches = list(RandomDrawBatchSampler(100, 64, n_draws=5))
    >>> len(batches), len(batches[0])
    (2, 320)
    """

    def __init__(self, n_samples, batch_size, n_draws, n_passes=1):
        self.n_samples = int(n_samples)
        self.batch_size = min(int(batch_size), self.n_samples)
        self.n_draws = int(n_draws)
        self.n_batches = int(n_passes) * -(-self.n_samples // int(batch_size))

    def __len__(self):
        return self.n_batches

    def __iter__(self):
        for _ in range(self.n_batches):
            yield torch.cat([torch.randperm(self.n_samples)[:self.batch_size]
                             for _ in range(self.n_draws)]).numpy()


class FullBatchSampler(Sampler):
    """Shuffled batches that are all full: the last one wraps into a new permutation.

    ``ceil(n_samples / batch_size)`` batches of exactly ``batch_size`` rows
    (``n_samples`` when smaller), as the ``next_batch`` of the official final
    classifiers (f-CLSWGAN, TF-VAEGAN), which never trains on a partial batch.

    Examples
    --------
    >>> from skzsl._training import FullBatchSampler
    >>> [len(batch) for batch in FullBatchSampler(10, 4)]
    [4, 4, 4]
    """

    def __init__(self, n_samples, batch_size):
        self.n_samples = int(n_samples)
        self.batch_size = min(int(batch_size), self.n_samples)
        self.n_batches = -(-self.n_samples // int(batch_size))

    def __len__(self):
        return self.n_batches

    def __iter__(self):
        order = torch.randperm(self.n_samples)
        need = self.n_batches * self.batch_size
        while order.numel() < need:
            order = torch.cat([order, torch.randperm(self.n_samples)])
        yield from order[:need].view(self.n_batches, self.batch_size).numpy()


def sampler_loader(dataset, batch_size, make_sampler, **kwargs):
    """A skorch ``iterator_train`` over the batches of ``make_sampler(n_samples, batch_size)``.

    Parameters
    ----------
    dataset : skorch.dataset.Dataset
    batch_size : int
    make_sampler : callable
        ``make_sampler(n_samples, batch_size) -> Sampler`` of index lists
        (for example ``partial(RandomDrawBatchSampler, n_draws=5)``).
    **kwargs
        Other ``DataLoader`` arguments.

    Returns
    -------
    loader : torch.utils.data.DataLoader
    """
    kwargs.pop("shuffle", None)
    return DataLoader(dataset, batch_sampler=make_sampler(len(dataset), batch_size), **kwargs)


