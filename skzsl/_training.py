"""The skorch plumbing shared by every neural estimator.

One mechanism serves every method: :class:`MultiOptimizerNet` is a skorch
``NeuralNet`` whose module is one ``torch.nn.Module`` container (built in
``skzsl.nn``) and whose parameters are split into named *optimizer groups*
(generator and critic, two attention sub-nets, teacher and student...). A method
subclasses it and implements :meth:`MultiOptimizerNet.compute_step`, which runs
one training step on a batch, calling :meth:`MultiOptimizerNet.update` for each
group it optimises (as many times as it likes: ``n_critic`` critic steps per
generator step, for instance), and returns its named losses. Each loss is
recorded in skorch's history at batch level and averaged per epoch, so users see
every term (``net.history[:, "loss_critic"]``).

Estimators own their nets (composition): they build them in ``fit`` with
:func:`build_net`, which resolves the device, seeds torch and adds the progress
bar, and they call :func:`seeded` around training.
"""

import contextlib
from numbers import Integral

import numpy as np
import torch
from sklearn.utils import check_random_state
from skorch import NeuralNet
from skorch.callbacks import Callback, PassthroughScoring
from skorch.dataset import Dataset, unpack_data
from torch.utils.data import DataLoader, Sampler
from tqdm.auto import tqdm

__all__ = [
    "MultiOptimizerNet",
    "EpochProgressBar",
    "RowCopyDataset",
    "ClassBalancedBatchSampler",
    "build_net",
    "class_balanced_loader",
    "resolve_device",
    "seed_from_random_state",
    "seeded",
    "to_numpy",
]


def resolve_device(device):
    """Turn the ``device`` parameter into a torch device string.

    ``"auto"`` is CUDA when available, else CPU; anything else is passed to
    ``torch.device`` and must be valid, and asking for CUDA without it fails
    with a clear message instead of deep inside torch.
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or a torch device string; got {device!r}."
        ) from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} but CUDA is not available on this machine; use device='auto' "
            "(CUDA when present, CPU otherwise) or device='cpu'."
        )
    return str(resolved)


def seed_from_random_state(random_state):
    """An integer torch seed drawn from a scikit-learn ``random_state``."""
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


@contextlib.contextmanager
def seeded(seed, device="cpu"):
    """Run a block with torch's global generators seeded, restoring them after.

    skorch initialises modules and draws dropout masks from torch's global
    generator; forking it keeps ``random_state`` reproducible without changing
    the caller's random stream.
    """
    devices = [torch.device(device).index or 0] if str(device).startswith("cuda") else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def to_numpy(tensor):
    """A detached CPU numpy copy of a tensor."""
    return tensor.detach().to("cpu", torch.float32).numpy()


class RowCopyDataset(Dataset):
    """skorch's ``Dataset``, copying a row only when it is read-only.

    A read-only array, such as a ``np.memmap`` opened with ``mode="r"`` for
    region features larger than memory, is read row by row as skorch always
    does (nothing is loaded up front); each row of a batch is copied so that
    torch gets writable memory (it warns on read-only NumPy arrays). Writable
    arrays pass through unchanged.
    """

    def transform(self, X, y):
        X, y = super().transform(X, y)
        if isinstance(X, np.ndarray) and not X.flags.writeable:
            X = X.copy()
        return X, y


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


class EpochProgressBar(Callback):
    """A tqdm bar over epochs, showing the last epoch's training loss.

    Parameters
    ----------
    desc : str, default=None
        Text in front of the bar (for example the training stage).
    """

    def __init__(self, desc=None):
        self.desc = desc

    def on_train_begin(self, net, **kwargs):
        self.bar_ = tqdm(total=net.max_epochs, desc=self.desc, leave=False, dynamic_ncols=True)

    def on_epoch_end(self, net, **kwargs):
        loss = net.history[-1].get("train_loss")
        if loss is not None:
            self.bar_.set_postfix(loss=f"{loss:.4g}", refresh=False)
        self.bar_.update(1)

    def on_train_end(self, net, **kwargs):
        self.bar_.close()
        # a live tqdm bar cannot be pickled; the net must stay picklable
        del self.bar_


class MultiOptimizerNet(NeuralNet):
    """A skorch ``NeuralNet`` with several optimizers and a method-defined step.

    Parameters
    ----------
    module : torch.nn.Module class or instance
        A container whose named children are optimised in groups.
    criterion : torch.nn.Module class, default=torch.nn.CrossEntropyLoss
        skorch's criterion; methods usually compute their losses with the
        named functions of ``skzsl.nn`` instead.
    optimizer_groups : dict of str to tuple of str
        Group name -> names of ``module_`` children it optimises. One optimizer
        (``optimizer_<group>_``) is made per group with ``optimizer`` and
        ``optimizer__*``; ``lr_<group>`` in ``group_lr`` overrides ``lr``.
    group_lr : dict of str to float, default=None
        Learning rate per group; missing groups use ``lr``.
    mixed_precision : bool, default=False
        Run :meth:`autocast` blocks in bfloat16 on CUDA (ignored on CPU).
    **kwargs
        Any ``NeuralNet`` parameter.

    Notes
    -----
    Subclasses implement :meth:`compute_step` and list the names of the losses
    it returns in ``loss_names`` so that they are averaged per epoch.
    """

    loss_names = ()
    # optimizer__* parameters configure every group's optimizer; skorch only
    # accepts prefixes it knows at construction
    prefixes_ = [*NeuralNet.prefixes_, "optimizer"]

    def __init__(self, module, criterion=torch.nn.CrossEntropyLoss, *args,
                 optimizer_groups=None, group_lr=None, mixed_precision=False, **kwargs):
        super().__init__(module, criterion, *args, **kwargs)
        self.optimizer_groups = optimizer_groups
        self.group_lr = group_lr
        self.mixed_precision = mixed_precision

    def initialize_optimizer(self, triggered_directly=None):
        groups = self.optimizer_groups or {"all": tuple(n for n, _ in
                                                        self.module_.named_children())}
        lrs = self.group_lr or {}
        for name, children in groups.items():
            params = [p for child in children
                      for p in getattr(self.module_, child).parameters() if p.requires_grad]
            named = [(f"{child}.{n}", p) for child in children
                     for n, p in getattr(self.module_, child).named_parameters()]
            kwargs = self.get_params_for_optimizer("optimizer", named)[1]
            kwargs["lr"] = lrs.get(name, self.lr)
            setattr(self, f"optimizer_{name}_", self.optimizer(params, **kwargs))
        return self

    def get_default_callbacks(self):
        extra = [(name, PassthroughScoring(name=name, on_train=True)) for name in self.loss_names]
        return [*super().get_default_callbacks(), *extra]

    def autocast(self):
        """bfloat16 autocast on CUDA when ``mixed_precision``, else a no-op context."""
        if self.mixed_precision and str(self.device).startswith("cuda"):
            return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def update(self, group, loss):
        """One optimisation step of ``group`` on ``loss``."""
        optimizer = getattr(self, f"optimizer_{group}_")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    def compute_step(self, X, y):
        """Run one training step on a batch already on the device.

        Returns
        -------
        losses : dict of str to float or tensor
            Named losses of this step; each is recorded in the history.
        """
        raise NotImplementedError

    def train_step(self, batch, **fit_params):
        self._set_training(True)
        X, y = unpack_data(batch)
        X = self._to_device(X)
        y = self._to_device(y) if y is not None else None
        losses = {k: float(v.detach()) if isinstance(v, torch.Tensor) else float(v)
                  for k, v in self.compute_step(X, y).items()}
        for name, value in losses.items():
            self.history.record_batch(name, value)
        return {"loss": torch.tensor(sum(losses.values())), "y_pred": None}

    def _to_device(self, value):
        if isinstance(value, torch.Tensor):
            return value.to(self.device)
        if isinstance(value, dict):
            return {k: self._to_device(v) for k, v in value.items()}
        return value


def build_net(net_class, module, *, max_epochs, batch_size, lr, device, verbose,
              desc=None, callbacks=(), class_balanced=False, **kwargs):
    """Build a skorch net with skzsl's conventions.

    No internal validation split (model selection happens outside, on
    validation classes), shuffled (or class-balanced) training batches, rows
    read through :class:`RowCopyDataset` (read-only memory maps work), an
    epoch progress bar when ``verbose >= 1`` and skorch's epoch table when
    ``verbose >= 2``.

    Parameters
    ----------
    net_class : type
        A ``NeuralNet`` subclass.
    module : torch.nn.Module
        The module (instance) to train.
    max_epochs, batch_size : int
        Training length and batch size.
    lr : float
        Default learning rate.
    device : str
        A resolved device (see :func:`resolve_device`).
    verbose : int
        0 silent, 1 progress bar, 2 progress bar and per-epoch table.
    desc : str, default=None
        Label of the progress bar.
    callbacks : sequence of (name, Callback), default=()
        Extra callbacks.
    class_balanced : bool, default=False
        Draw training batches with :class:`ClassBalancedBatchSampler` instead
        of shuffling the samples.
    **kwargs
        Passed to ``net_class``.

    Returns
    -------
    net : NeuralNet
        The (uninitialised) net.
    """
    cbs = list(callbacks)
    if verbose >= 1:
        cbs.append(("progress", EpochProgressBar(desc=desc)))
    if class_balanced:
        kwargs["iterator_train"] = class_balanced_loader
    else:
        kwargs.setdefault("iterator_train__shuffle", True)
    kwargs.setdefault("dataset", RowCopyDataset)
    net = net_class(
        module,
        max_epochs=max_epochs,
        batch_size=batch_size,
        lr=lr,
        device=device,
        train_split=None,
        callbacks=cbs,
        verbose=int(verbose >= 2),
        **kwargs,
    )
    if verbose < 2:
        net.set_params(callbacks__print_log=None)
    return net

