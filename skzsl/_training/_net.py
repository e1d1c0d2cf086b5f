"""The skorch nets of the neural estimators, their progress bar and the Ctrl-C rule."""

import contextlib
import copy
import math
import warnings

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, EarlyStopping, PassthroughScoring
from skorch.dataset import unpack_data
from skorch.utils import to_tensor
from tqdm.auto import tqdm

from ..base import _ParametersMixin
from ..exceptions import TrainingDivergedError
from ._data import RowCopyDataset, class_balanced_loader, collate_batch
from ._device import resolve_device, seed_from_random_state, seeded

__all__ = ["EpochProgressBar", "MultiOptimizerNet", "NeuralEstimatorMixin", "build_net",
           "estimator_net", "fit_estimator_net", "fit_stage",
           "fit_single_net"]


class EpochProgressBar(Callback):
    """A tqdm bar over epochs, showing the last epoch's objective of each optimizer group.

    A net with one optimizer group shows its ``train_loss``; one with several
    (critic and generator, ...) shows each group's objective apart.

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
        row = net.history[-1]
        shown = {name.removeprefix("objective_"): row[name] for name in row
                 if name.startswith("objective_")}
        if len(shown) < 2 and "train_loss" in row:
            shown = {"loss": row["train_loss"]}
        self.bar_.set_postfix({k: f"{v:.4g}" for k, v in shown.items()}, refresh=False)
        self.bar_.update(1)

    def on_train_end(self, net, **kwargs):
        self.bar_.close()
        # a live tqdm bar cannot be pickled; the net must stay picklable
        del self.bar_


class _Diverged(Exception):
    """A net's loss became non-finite; :func:`fit_stage` reports it for the estimator."""

    def __init__(self, group, terms, epoch):
        super().__init__(group, terms, epoch)
        self.group, self.terms, self.epoch = group, terms, epoch


# stands for ``module`` in a pickled net whose ``module`` parameter is its ``module_``
_SAME_AS_MODULE_ = "<the net's module_>"


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
        per group, made with ``optimizer``, ``optimizer__*`` and ``lr``: the
        primary group's (``objective``, else the first group) is skorch's
        ``optimizer_``, so that ``LRScheduler`` schedules it; the others are
        ``optimizer_<group>_`` (:meth:`optimizer_of` finds either).
    mixed_precision : bool, default=False
        Run :meth:`autocast` blocks, and inference, in bfloat16 on CUDA
        (ignored on CPU).
    **kwargs
        Any ``NeuralNet`` parameter.

    Notes
    -----
    Subclasses implement :meth:`compute_step` and list the names of the terms
    it returns in ``loss_names`` so that they are averaged per epoch.

    Every call of :meth:`update` records the loss it optimised as
    ``objective_<group>`` (averaged over the calls of a step: ``n_critic``
    critic updates give their mean). ``train_loss``, skorch's loss, is the
    objective of the group named by ``objective`` (the first group when
    ``None``): one optimised loss, never a sum of unrelated terms.

    Every optimizer step goes through :meth:`update`, which notifies skorch's
    ``on_grad_computed`` before stepping, as skorch's own ``train_step`` does:
    ``GradientNormClipping`` clips each group's gradients, and a callback of
    the user's sees them.

    One Ctrl-C (``KeyboardInterrupt``) ends ``fit`` as skorch does (it returns
    the net as it is) and sets ``interrupted_``, so the estimators that own the
    net can apply their rule; a stop by skorch's ``EarlyStopping`` (which
    raises the same exception) is not an interruption.
    """

    loss_names = ()
    objective = None
    # groups stepped only together with another one (``update(..., also=...)``): they
    # have no objective of their own to record
    joint_groups = ()
    # optimizer__* parameters configure every group's optimizer; skorch only
    # accepts prefixes it knows at construction
    prefixes_ = [*NeuralNet.prefixes_, "optimizer"]

    def __init__(self, module, criterion=torch.nn.CrossEntropyLoss, *args,
                 optimizer_groups=None, mixed_precision=False, **kwargs):
        super().__init__(module, criterion, *args, **kwargs)
        self.optimizer_groups = optimizer_groups
        self.mixed_precision = mixed_precision

    def _groups(self):
        return self.optimizer_groups or {"all": tuple(n for n, _ in
                                                      self.module_.named_children())}

    def initialize_optimizer(self, triggered_directly=None):
        self._group_parameters = {}
        for name in self._groups():
            # optimizer__param_groups=[("encoder.*", {...})] as in skorch, per group
            args, kwargs = self.get_params_for_optimizer("optimizer",
                                                         self._named_parameters(name))
            kwargs.setdefault("lr", self.lr)
            setattr(self, self._optimizer_attribute(name), self.optimizer(*args, **kwargs))
        if "optimizer_" not in self.cuda_dependent_attributes_:
            # ``optimizer`` is a known prefix here (``optimizer__*`` parameters), so
            # skorch does not register ``optimizer_`` by itself: without this, its
            # state would be pickled outside skorch's CUDA-dependent part and a
            # CUDA-fitted model would not load on a machine without a GPU
            self._register_attribute("optimizer_", self.optimizer_, prefixes=False)
        return self

    def _grad_listeners(self):
        """Whether the net or one of its callbacks implements ``on_grad_computed``.

        Found once per fit: most steps have no listener, and a notification
        of every callback at every optimizer step is not free on small nets.
        """
        listeners = self.__dict__.get("_listens_to_gradients")
        if listeners is None:
            listeners = (type(self).on_grad_computed is not NeuralNet.on_grad_computed
                         or any(type(cb).on_grad_computed is not Callback.on_grad_computed
                                for _, cb in self.callbacks_))
            self._listens_to_gradients = listeners
        return listeners

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        self._listens_to_gradients = None

    def _named_parameters(self, group):
        """``(name, parameter)`` of the trainable parameters of a group, cached per net.

        The cache is left out of pickles (:meth:`__getstate__`): the parameters
        travel with ``module_``.
        """
        cache = self.__dict__.setdefault("_group_parameters", {})
        if group not in cache:
            cache[group] = [(f"{child}.{n}", p) for child in self._groups()[group]
                            for n, p in getattr(self.module_, child).named_parameters()
                            if p.requires_grad]
        return cache[group]

    def __getstate__(self):
        # skzsl hands skorch module instances, so the ``module`` parameter is
        # ``module_`` itself; left in the state, it would be pickled outside
        # skorch's CUDA-dependent part, and a CUDA-fitted model would not load on
        # a machine without a GPU. It travels once, as ``module_``.
        same = self.__dict__.get("module") is self.__dict__.get("module_") is not None
        state = super().__getstate__()
        if same:
            state["module"] = _SAME_AS_MODULE_
        state.pop("_group_parameters", None)
        state.pop("_batch", None)
        state.pop("_listens_to_gradients", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if isinstance(self.__dict__.get("module"), str) and self.module == _SAME_AS_MODULE_:
            self.__dict__["module"] = self.module_

    def _primary_group(self):
        return self.objective or self._group_names()[0]

    def _optimizer_attribute(self, group):
        """``optimizer_`` for the primary group (skorch's name), ``optimizer_<group>_`` else."""
        return "optimizer_" if group == self._primary_group() else f"optimizer_{group}_"

    def optimizer_of(self, group):
        """The optimizer of an optimizer group (``optimizer_`` is the primary group's).

        Parameters
        ----------
        group : str
            A name of ``optimizer_groups``.

        Returns
        -------
        optimizer : torch.optim.Optimizer
        """
        return getattr(self, self._optimizer_attribute(group))

    def get_default_callbacks(self):
        names = [*self.loss_names, *(f"objective_{group}" for group in self._group_names()
                                     if group not in self.joint_groups)]
        extra = [(name, PassthroughScoring(name=name, on_train=True)) for name in names]
        return [*super().get_default_callbacks(), *extra]

    def _group_names(self):
        return list(self.optimizer_groups or {"all": ()})

    def autocast(self):
        """bfloat16 autocast on CUDA when ``mixed_precision``, else a no-op context."""
        if self.mixed_precision and str(self.device).startswith("cuda"):
            return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def update(self, group, loss, also=()):
        """One optimisation step of ``group`` on ``loss``, recorded as its objective.

        As skorch's own ``train_step``: zero the gradients, backpropagate,
        notify ``on_grad_computed`` with the parameters about to be stepped (so
        that ``GradientNormClipping`` and other gradient callbacks act on
        them), then step. ``also`` names other groups stepped on the same
        backward pass (their objective is not recorded).

        ``loss`` is a scalar tensor or a dict of named terms, which are
        summed. A loss that is not finite stops training before the step
        (:class:`_Diverged`, which the estimator reports as
        :class:`~skzsl.exceptions.TrainingDivergedError`), naming the terms
        that were not finite.
        """
        terms = loss if isinstance(loss, dict) else {group: loss}
        loss = sum(terms.values()) if isinstance(loss, dict) else loss
        value = float(loss.detach())
        if not math.isfinite(value):
            bad = {name: float(term.detach()) for name, term in terms.items()
                   if not math.isfinite(float(term.detach()))}
            raise _Diverged(group, bad or {group: value}, len(self.history))
        groups = (group, *also)
        optimizers = [self.optimizer_of(name) for name in groups]
        for optimizer in optimizers:
            optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self._grad_listeners():
            named = [pair for name in groups for pair in self._named_parameters(name)]
            self.notify("on_grad_computed", named_parameters=named, batch=self._batch,
                        training=True)
        for optimizer in optimizers:
            optimizer.step()
        self._objectives.setdefault(group, []).append(value)

    def compute_step(self, X, y):
        """Run one training step on a batch already on the device.

        Returns
        -------
        losses : dict of str to float or tensor
            Named loss terms of this step; each is recorded in the history.
        """
        raise NotImplementedError

    def train_step(self, batch, **fit_params):
        self._set_training(True)
        self._batch = batch
        X, y = unpack_data(batch)
        X = self._to_device(X)
        y = self._to_device(y) if y is not None else None
        self._objectives = {}
        losses = {k: float(v.detach()) if isinstance(v, torch.Tensor) else float(v)
                  for k, v in self.compute_step(X, y).items()}
        objectives = {f"objective_{group}": sum(values) / len(values)
                      for group, values in self._objectives.items()}
        self._batch = None
        for name, value in {**losses, **objectives}.items():
            self.history.record_batch(name, value)
        main = f"objective_{self._primary_group()}"
        # skorch reads it with .item(); a NumPy scalar costs less than a tensor per step
        return {"loss": np.float64(objectives[main]), "y_pred": None}

    def fit_loop(self, X, y=None, **fit_params):
        self.interrupted_ = False
        try:
            return super().fit_loop(X, y, **fit_params)
        except KeyboardInterrupt:
            # skorch's EarlyStopping stops training by raising it too
            self.interrupted_ = not any(
                isinstance(cb, EarlyStopping) and cb.misses_ >= cb.patience
                for _, cb in self.callbacks_)
            raise

    def infer(self, x, **fit_params):
        """Run ``module_`` on a batch, or ``method(module_, x)`` inside :meth:`forward_iter`."""
        method = getattr(self, "_inference_method", None)
        with self.autocast():
            if method is None:
                return super().infer(x, **fit_params)
            return method(self.module_, to_tensor(x, device=self.device))

    def forward_iter(self, X, training=False, device="cpu", method=None):
        """skorch's ``forward_iter``; ``method(module_, batch)`` replaces ``module_(batch)``.

        Parameters
        ----------
        X, training, device
            As in skorch.
        method : callable, default=None
            Called with the module and each batch (on the net's device), for
            the outputs other than ``forward`` (attention maps, ...).

        Yields
        ------
        output : Tensor or dict of Tensor
            One per batch, on ``device``.
        """
        self._inference_method = method
        try:
            yield from super().forward_iter(X, training=training, device=device)
        finally:
            self._inference_method = None

    def _to_device(self, value):
        if isinstance(value, torch.Tensor):
            return value.to(self.device)
        if isinstance(value, dict):
            return {k: self._to_device(v) for k, v in value.items()}
        return value


class NeuralEstimatorMixin(_ParametersMixin):
    """Mixin of the estimators that own skorch nets (attributes ending in ``net_``).

    ``_parameter_constraints`` holds those of the parameters every neural
    estimator takes: ``callbacks``, ``random_state``, ``device``, ``verbose``.

    Pickling goes through skorch: each net saves its CUDA-dependent state with
    ``torch.save`` and, loaded where CUDA is missing, maps it to the CPU (with
    skorch's warning) and sets its ``device`` to ``"cpu"``. After loading,
    ``device_`` follows the nets, so it says where inference now runs.
    """

    _parameter_constraints: dict = {
        "callbacks": [list, None],
        "random_state": ["random_state"],
        "device": [str],
        "verbose": ["verbose"],
    }

    def __setstate__(self, state):
        super().__setstate__(state)
        nets = [value for name, value in vars(self).items() if name.endswith("net_")]
        if nets and hasattr(self, "device_"):
            self.device_ = str(nets[0].device)


def _fit_checked(estimator, net, X, y):
    """Train ``net`` on ``(X, y)``, reporting a diverged loss or non-finite weights as the
    estimator's error.

    ``net.partial_fit``, which initialises a net that is not yet, as ``fit``
    does, and trains an initialised one as it is: a net handed in by the user
    (weights or optimizer state loaded, callbacks set) keeps them. Every
    optimizer step of every net checks its loss (:meth:`MultiOptimizerNet.update`);
    the weights are checked once at the end, for a last step that made them
    non-finite from a finite loss.
    """
    stage = getattr(net, "stage_", None) or type(net).__name__
    name = type(estimator).__name__
    advice = ("Lower the learning rate of that stage (lr, backbone__lr, classifier_lr), "
              "scale the features (the generative methods' backbones scale them to [0, 1] "
              "with feature_scaling='minmax'; for the others use a StandardScaler in a "
              "Pipeline), or clip the gradients (callbacks=[GradientNormClipping(...)]). "
              "The estimator is left as it was before fit.")
    try:
        net.partial_fit(X, y)
    except _Diverged as diverged:
        terms = ", ".join(f"{term} = {value}" for term, value in diverged.terms.items())
        raise TrainingDivergedError(
            f"{name}.fit diverged in its {stage!r} stage: at epoch {diverged.epoch} the loss "
            f"of the {diverged.group!r} optimizer group was not finite ({terms}). "
            f"{advice}") from None
    if not all(bool(torch.isfinite(p).all()) for p in net.module_.parameters()):
        raise TrainingDivergedError(
            f"{name}.fit diverged in its {stage!r} stage: the weights are not finite after "
            f"epoch {len(net.history)}, although every loss was. {advice}")
    return net


def fit_stage(estimator, net, X, y):
    """Fit one net of a multi-stage estimator; a Ctrl-C stops the whole fit.

    skorch ends ``fit`` quietly on ``KeyboardInterrupt``; a stage that did so
    re-raises it here, so that the estimator's ``fit`` stops (and
    :class:`~skzsl.base.AtomicFitMixin` puts back what the estimator was).

    Returns
    -------
    net : NeuralNet
        The fitted net.
    """
    _fit_checked(estimator, net, X, y)
    if net.interrupted_:
        raise KeyboardInterrupt(
            f"{type(estimator).__name__}.fit was interrupted; the estimator is left as it was "
            "before fit.")
    return net


def fit_single_net(estimator, net, X, y):
    """Fit the only net of an estimator, keeping skorch's behaviour on Ctrl-C.

    On ``KeyboardInterrupt`` skorch stops within the batch and returns the net
    as it is; the estimator stays usable with those weights, and this warns
    with the epoch reached. ``estimator.n_epochs_`` records the completed
    epochs either way.

    Returns
    -------
    net : NeuralNet
        The fitted net.
    """
    _fit_checked(estimator, net, X, y)
    estimator.n_epochs_ = sum("dur" in row for row in net.history)
    if net.interrupted_:
        warnings.warn(
            f"{type(estimator).__name__}.fit was interrupted after {estimator.n_epochs_} of "
            f"{net.max_epochs} epochs; the model keeps the weights reached (n_epochs_ = "
            f"{estimator.n_epochs_}). Refit to train it fully.", UserWarning, stacklevel=3)
    return net


def build_net(net_class, module, *, max_epochs, batch_size, lr, device, verbose,
              desc=None, callbacks=None, copy_callbacks=False, internal_callbacks=(),
              class_balanced=False, predict_batch_size=None, **kwargs):
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
    callbacks : list of Callback or (name, Callback), default=None
        The user's skorch callbacks (an estimator's ``callbacks``), after
        skzsl's own.
    copy_callbacks : bool, default=False
        Give the net (deep) copies of ``callbacks``: for a net trained while another
        net that holds them is still training (early stopping's validation
        classifiers), whose callbacks must not be re-initialised under it.
    internal_callbacks : sequence of (name, Callback), default=()
        skzsl's own extra callbacks (early stopping, ...).
    class_balanced : bool, default=False
        Draw training batches with :class:`ClassBalancedBatchSampler` instead
        of shuffling the samples.
    predict_batch_size : int, default=None
        Batch size of inference (``forward_iter``); ``None`` uses ``batch_size``.
    **kwargs
        Passed to ``net_class``.

    Returns
    -------
    net : NeuralNet
        The (uninitialised) net.
    """
    cbs = list(internal_callbacks)
    if verbose >= 1:
        cbs.append(("progress", EpochProgressBar(desc=desc)))
    for callback in callbacks or ():
        if copy_callbacks:
            callback = copy.deepcopy(callback)
        cbs.append(callback)
    if class_balanced:
        kwargs["iterator_train"] = class_balanced_loader
    else:
        kwargs.setdefault("iterator_train__shuffle", True)
    kwargs.setdefault("dataset", RowCopyDataset)
    if isinstance(kwargs["dataset"], type) and issubclass(kwargs["dataset"], RowCopyDataset):
        kwargs.setdefault("iterator_train__collate_fn", collate_batch)
        kwargs.setdefault("iterator_valid__collate_fn", collate_batch)
    if predict_batch_size is not None:
        kwargs["iterator_valid__batch_size"] = predict_batch_size
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
    # named in the errors of a fit (the progress bar's label)
    net.stage_ = desc
    return net



def estimator_net(estimator, net_class, module, **kwargs):
    """:func:`build_net` with the settings an estimator carries.

    ``max_epochs``, ``batch_size``, ``lr`` and ``verbose`` are the estimator's
    parameters, ``device`` its resolved ``device_``, ``callbacks`` its
    ``callbacks`` and the progress bar's label its class name without
    ``"Classifier"``; ``kwargs`` add to or override them.

    Parameters
    ----------
    estimator : object
        A neural estimator, its ``device_`` already set.
    net_class : type
        A ``NeuralNet`` subclass.
    module : torch.nn.Module
        The module (instance) to train.
    **kwargs
        Passed to :func:`build_net`.

    Returns
    -------
    net : NeuralNet
        The (uninitialised) net.
    """
    settings = dict(max_epochs=estimator.max_epochs,
                    batch_size=getattr(estimator, "batch_size", None),
                    lr=getattr(estimator, "lr", None), device=estimator.device_,
                    verbose=estimator.verbose, callbacks=estimator.callbacks,
                    desc=type(estimator).__name__.removesuffix("Classifier"))
    return build_net(net_class, module, **{**settings, **kwargs})


def fit_estimator_net(estimator, net_class, make_module, X, y, **kwargs):
    """Train the only net of a neural estimator: device, seeding, net, fit.

    Sets ``estimator.device_`` (:func:`resolve_device`), then, seeded from
    ``estimator.random_state``, builds the module (``make_module()``) and its
    net (:func:`estimator_net`) and fits it with :func:`fit_single_net`, which
    also sets ``estimator.n_epochs_``.

    Parameters
    ----------
    estimator : object
        The neural estimator; it keeps the net as ``net_``.
    net_class : type
        A ``NeuralNet`` subclass.
    make_module : callable
        Returns the module to train; called under the seed, so that weight
        initialisation is reproducible.
    X, y : array-like
        The training data, as the net takes it.
    **kwargs
        Passed to :func:`estimator_net`.

    Returns
    -------
    net : NeuralNet
        The fitted net, also ``estimator.net_``.
    """
    estimator.device_ = resolve_device(estimator.device)
    with seeded(seed_from_random_state(estimator.random_state), estimator.device_):
        net = estimator_net(estimator, net_class, make_module(), **kwargs)
        estimator.net_ = fit_single_net(estimator, net, X, y)
    return estimator.net_
