"""
=============================================
Real and synthesized features, side by side
=============================================

The generative methods learn a conditional generator that turns a class's
semantic vector (plus noise) into visual features. Trained on seen classes
only, it can generate features of *unseen* classes from their vectors, and a
plain softmax classifier trained on real seen and synthetic unseen features
then recognises all classes.

This example trains :class:`~skzsl.generative.CLSWGANClassifier` on the
f-CLSWGAN backbone (:class:`~skzsl.generative.CLSWGAN`) on the seen digits,
samples features of seen and unseen digits through its fitted ``generator_``
(a :class:`~skzsl.generative.FeatureGenerator`), and projects real and
synthesized features on the same two principal components.
Any fitted generative estimator (SDDN, semantic KD) has a ``generator_`` too.
"""

# %%
# Train the generator on seen digits
# ----------------------------------
# The backbone is an object that holds its own hyperparameters: small
# networks, three critic steps per generator step and a large learning rate,
# so that the example runs in seconds on a CPU. The estimator keeps its own
# (epochs, synthetic features, final classifier).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA

from skzsl.datasets import load_digits_zsl
from skzsl.generative import CLSWGAN, CLSWGANClassifier

data = load_digits_zsl()
model = CLSWGANClassifier(
    data.class_attributes,
    backbone=CLSWGAN(hidden_dim=128, n_critic=3, batch_size=128, lr=1e-3),
    max_epochs=15, classifier_max_epochs=1, n_synthetic_per_class=10, verbose=0,
    random_state=0,
)
model.fit(data.X_trainval, data.y_trainval)

# %%
# The critic and generator losses of every epoch are in the history, with
# ``loss_classification``, f-CLSWGAN's ``L_CLS`` (the backbone's
# ``classification_weight``).
history = model.generator_net_.history
print("losses recorded:", sorted(k for k in history[-1]
                               if k.startswith("loss") and not k.endswith("_best")))

# %%
# Sample features of any class
# ----------------------------
# ``generator_.sample(labels, n)`` returns ``n`` rows per label, in the
# original feature space (the estimator's [0, 1] scaling is undone).
n = 150
seen_shown = np.array([0, 4, 6])
unseen_shown = model.unseen_classes_
synthetic = {label: model.generator_.sample([label], n, random_state=0)
             for label in np.concatenate([seen_shown, unseen_shown])}


def real_features(label):
    """Real samples of a class: training data for seen, test data for unseen."""
    if label in model.seen_classes_:
        return data.X_trainval[data.y_trainval == label][:n]
    return data.X_test_unseen[data.y_test_unseen == label][:n]


# %%
# Project both on the principal components of the real training features
# ----------------------------------------------------------------------
pca = PCA(n_components=2).fit(data.X_trainval)

fig, axes = plt.subplots(1, 2, figsize=(10, 4.5), sharex=True, sharey=True)
for ax, labels, title in [(axes[0], seen_shown, "seen digits"),
                          (axes[1], unseen_shown, "unseen digits (never trained on)")]:
    for i, label in enumerate(labels):
        real = pca.transform(real_features(label))
        fake = pca.transform(synthetic[label])
        ax.scatter(real[:, 0], real[:, 1], s=8, alpha=0.35, color=f"C{i}",
                   label=f"{label} real")
        ax.scatter(fake[:, 0], fake[:, 1], s=14, marker="x", color=f"C{i}",
                   label=f"{label} synthesized")
    ax.set(title=title, xlabel="PC 1")
    ax.legend(fontsize=8, ncol=2, loc="best")
axes[0].set_ylabel("PC 2")
fig.tight_layout()
plt.show()

# %%
# This is what a few seconds of training give: the synthesized features cover
# the region of the real digits but are barely separated by class, so the
# final classifier cannot tell the unseen digits apart well. How well the
# synthetic features of the unseen classes match and separate is what decides
# unseen accuracy; a plot like this one is a quick check of a generator
# before looking at scores.
#
# A number for the same check: the distance between the mean synthetic and
# the mean real feature of each unseen digit, relative to the spread of the
# real features.
for label in unseen_shown:
    real = real_features(label)
    gap = np.linalg.norm(synthetic[label].mean(axis=0) - real.mean(axis=0))
    spread = np.sqrt(real.var(axis=0).sum())
    print(f"digit {label}: mean gap / real spread = {gap / spread:.2f}")
