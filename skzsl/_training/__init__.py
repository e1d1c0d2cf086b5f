"""The skorch plumbing shared by every neural estimator, one module per job.

- :mod:`._device`: device resolution and seeding (``resolve_device``, ``seeded``).
- :mod:`._data`: datasets, batch samplers and loaders, outputs back to numpy.
- :mod:`._net`: :class:`MultiOptimizerNet`, the progress bar, building and
  fitting nets, and the Ctrl-C rule of multi-stage fits.

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
:func:`build_net`, which adds the progress bar and the user's callbacks, and
they call :func:`seeded` around training.
"""

from ._data import (
    ClassBalancedBatchSampler,
    FullBatchSampler,
    RandomDrawBatchSampler,
    RowCopyDataset,
    class_balanced_loader,
    collate_batch,
    gather,
    sampler_loader,
    to_numpy,
)
from ._device import (
    available_devices,
    resolve_device,
    resumed,
    rng_state,
    seed_from_random_state,
    seeded,
)
from ._net import (
    EpochProgressBar,
    MultiOptimizerNet,
    NeuralEstimatorMixin,
    build_net,
    estimator_net,
    fit_estimator_net,
    fit_single_net,
    fit_stage,
)

__all__ = [
    "MultiOptimizerNet",
    "NeuralEstimatorMixin",
    "EpochProgressBar",
    "RowCopyDataset",
    "collate_batch",
    "ClassBalancedBatchSampler",
    "RandomDrawBatchSampler",
    "FullBatchSampler",
    "build_net",
    "estimator_net",
    "fit_estimator_net",
    "fit_single_net",
    "fit_stage",
    "class_balanced_loader",
    "sampler_loader",
    "available_devices",
    "gather",
    "resolve_device",
    "resumed",
    "rng_state",
    "seed_from_random_state",
    "seeded",
    "to_numpy",
]
