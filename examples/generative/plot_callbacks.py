"""
=================================================================
Watching and steering training with skorch callbacks
=================================================================

Every neural estimator of skzsl takes ``callbacks``, a list of skorch
callbacks handed to every net it trains. For a generative classifier these
are the generator stage (``generator_net_``) and the final classifier
(``classifier_net_``), plus f-CLSWGAN's pretrained classifier when the
backbone has ``L_CLS``. Every optimizer step of every net, the critic's
included, notifies skorch's ``on_grad_computed`` before it steps, and each
net's primary optimizer is skorch's ``optimizer_`` (in the generator stage,
the generator's). So skorch's own callbacks work as they do on any skorch
net:

- ``GradientNormClipping`` clips the gradients of every step;
- ``LRScheduler`` schedules ``optimizer_`` of each net, here the generator's
  learning rate, then the final classifier's.

This example trains :class:`~skzsl.generative.CLSWGANClassifier` on a small
TF-VAEGAN backbone (:class:`~skzsl.generative.TFVAEGAN`) with both, and with
two callbacks of its own that record what they did. It ends with
:meth:`~skzsl.generative.CLSWGANClassifier.classifier_input`, the features
the final classifier reads.
"""

# %%
# Two recording callbacks
# -----------------------
# A skorch callback is a class with ``on_*`` methods that receive the net.
# ``GradientNorms`` records, for each optimizer step, the norm of the
# gradients about to be applied, by network (the first part of the
# parameters' names: ``critic``, ``generator``, ...). ``LearningRates``
# records the learning rate of ``optimizer_`` at the end of every epoch, one
# list per net trained. The same instances serve every net in turn and skorch
# calls their ``initialize()`` for each, so the records start in ``__init__``.
import matplotlib.pyplot as plt
import numpy as np
import torch
from skorch.callbacks import Callback, GradientNormClipping, LRScheduler

from skzsl.datasets import load_digits_zsl
from skzsl.generative import TFVAEGAN, CLSWGANClassifier


class GradientNorms(Callback):
    """The norm of the gradients of every optimizer step, by network."""

    def __init__(self):
        self.norms = {}

    def on_grad_computed(self, net, named_parameters, **kwargs):
        network = named_parameters[0][0].split(".")[0]
        norm = torch.linalg.vector_norm(torch.stack(
            [torch.linalg.vector_norm(p.grad) for _, p in named_parameters
             if p.grad is not None]))
        self.norms.setdefault(network, []).append(float(norm))


class LearningRates(Callback):
    """The learning rate of ``optimizer_`` after every epoch, one list per net."""

    def __init__(self):
        self.per_net = []

    def on_train_begin(self, net, **kwargs):
        self.per_net.append([])

    def on_epoch_end(self, net, **kwargs):
        self.per_net[-1].append(net.optimizer_.param_groups[0]["lr"])


# %%
# Fit with clipping and a learning-rate schedule
# ----------------------------------------------
# Callbacks run in the order given: ``raw`` sees the gradients before
# ``GradientNormClipping`` scales them to a norm of at most 1, ``clipped``
# after. ``LRScheduler`` halves the learning rate every 3 epochs. The
# backbone object holds the backbone's hyperparameters: small networks and a
# large learning rate, so the example runs in seconds on a CPU.
data = load_digits_zsl()
raw, clipped, rates = GradientNorms(), GradientNorms(), LearningRates()
model = CLSWGANClassifier(
    data.class_attributes,
    backbone=TFVAEGAN(hidden_dim=128, n_critic=3, batch_size=128, lr=1e-3),
    max_epochs=8, classifier_max_epochs=3, n_synthetic_per_class=50, verbose=0,
    random_state=0,
    callbacks=[("raw", raw), GradientNormClipping(gradient_clip_value=1.0),
               ("clipped", clipped), LRScheduler(policy="StepLR", step_size=3, gamma=0.5),
               ("rates", rates)],
)
model.fit(data.X_trainval, data.y_trainval)

# ``linear`` is the final softmax classifier; the decoder's steps are its own,
# on real features, once per critic step.
for network, norms in raw.norms.items():
    print(f"{network:>9}: {len(norms):3d} steps, gradient norm median {np.median(norms):.3g}, "
          f"max {max(norms):.3g}; after clipping max {max(clipped.norms[network]):.3g}")

# %%
# Only ``optimizer_`` is scheduled: in the generator stage it is the
# generator's (with the encoder and the feedback module); the critic and the
# semantic decoder keep their own optimizers and learning rates.
generator_lr, classifier_lr = rates.per_net
print("generator lr per epoch: ", generator_lr)
print("classifier lr per epoch:", classifier_lr)
print("critic lr at the end:   ",
      model.generator_net_.optimizer_of("critic").param_groups[0]["lr"])

# %%
# What the callbacks saw
# ----------------------
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
axes[0].semilogy(raw.norms["generator"], label="before clipping")
axes[0].semilogy(clipped.norms["generator"], label="after clipping")
axes[0].set(title="generator's gradient norm per step", xlabel="generator step")
axes[0].legend()
axes[1].step(np.arange(1, len(generator_lr) + 1), generator_lr, where="post")
axes[1].set(title="generator's learning rate (StepLR)", xlabel="epoch", ylabel="lr")
fig.tight_layout()
plt.show()

# %%
# The features the final classifier reads
# ---------------------------------------
# ``classifier_input(X)`` maps any samples to the input of the final softmax
# classifier. With TF-VAEGAN it is the scaled visual feature followed by the
# semantic decoder's output (one value per attribute) and its hidden layer
# (``hidden_dim`` values); with f-CLSWGAN or f-VAEGAN it is the scaled
# feature alone, and SDDN appends its refined and semantic-consistent
# features. Any other model can be trained on it.
features = model.classifier_input(data.X_test_unseen)
n_attributes = data.class_attributes.shape[1]
print(f"{data.X_test_unseen.shape[1]} visual + {n_attributes} decoded attributes + "
      f"{model.backbone_.hidden_dim} decoder hidden = {features.shape[1]} features")
