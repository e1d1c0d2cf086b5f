"""
=====================================================================
Ablation of SDDN and semantic-KD, term by term, on validation classes
=====================================================================

:class:`~skzsl.generative.SDDNClassifier` and
:class:`~skzsl.generative.SemanticKDClassifier` add loss terms to a
feature-generating backbone. Their claim is that the terms raise GZSL accuracy
over the backbone alone, so the question to ask of each term is: does switching
it off lower H? Every term's weight can be set to 0, which makes an ablation a
loop over ``set_params``.

This example runs that loop on the digits (:func:`~skzsl.datasets.load_digits_zsl`,
whose inputs are pixels), with three seeds per row, and plots H per row with the
standard deviation over seeds as error bars. The backbone row (the TF-VAEGAN
backbone alone, :class:`~skzsl.generative.CLSWGANClassifier`) is measured in the
same run with the same budget. Everything is scored on the **validation
classes** of the digits' trainval split (:func:`~skzsl.model_selection.validation_cv`):
the test split is never read, so the plot can choose settings without touching
test data. H is taken at the seen bias that maximises it on the validation fold,
read off the exact seen-unseen curve (:func:`~skzsl.metrics.seen_unseen_curve`),
so that no row is judged at a bias that suits another.

The networks here are tiny and trained for a few epochs, so that the whole
ablation (33 fits) runs in a few minutes on a CPU; the ablation at benchmark
size, on SUN-A, the CUB stand-in and the digits, is in ``BENCHMARKS.md``
(``python -m benchmarks ablation``). Its conclusion, not this small run's, is
what to go by.
"""

# %%
# The rows: the backbone alone, each method with all its terms, and each term off.
import numpy as np

from skzsl.datasets import load_digits_zsl
from skzsl.generative import TFVAEGAN, CLSWGANClassifier, SDDNClassifier, SemanticKDClassifier
from skzsl.metrics import harmonic_mean, seen_unseen_curve
from skzsl.model_selection import validation_cv

data = load_digits_zsl()
train, val = next(validation_cv(data).split(data.X_trainval, data.y_trainval))

common = dict(backbone=TFVAEGAN(hidden_dim=128, n_critic=2, batch_size=64, lr=1e-3,
                                semantic_scaling="standard"),
              max_epochs=8, n_synthetic_per_class=50, n_synthetic_seen_per_class=25,
              classifier_max_epochs=10, classifier_lr=3e-3, device="cpu", verbose=0)
sddn = dict(hidden_dim=128, embedding_dim=64, latent_dim=64)
rows = {"backbone": (CLSWGANClassifier, {}), "SDDN": (SDDNClassifier, sddn)}
rows.update({f"SDDN -{term}": (SDDNClassifier, {**sddn, f"{term}_weight": 0.0})
             for term in ("soft_label", "feature_map", "generated_classification",
                          "reconstruction", "relation", "independence")})
rows["semantic-KD"] = (SemanticKDClassifier, {"hidden_dim": 128})
rows.update({f"semantic-KD -{term}": (SemanticKDClassifier,
                                      {"hidden_dim": 128, f"{term}_weight": 0.0})
             for term in ("regularization", "preservation", "distillation")})


def validation_h(estimator):
    """H at the best seen bias on the validation fold (the exact curve)."""
    X_val, y_val = data.X_trainval[val], data.y_trainval[val]
    _, seen, unseen = seen_unseen_curve(y_val, estimator.compatibility_scores(X_val),
                                        classes=estimator.classes_,
                                        seen_classes=estimator.seen_classes_)
    return max(harmonic_mean(s, u) for s, u in zip(seen, unseen, strict=True))


# %%
# Three seeds per row; every fit sees only the train part of the trainval split.
seeds = (0, 1, 2)
scores = {}
for name, (cls, params) in rows.items():
    scores[name] = [
        validation_h(cls(data.class_attributes, random_state=seed, **common, **params)
                     .fit(data.X_trainval[train], data.y_trainval[train]))
        for seed in seeds]
    print(f"{name:38s} H = {np.mean(scores[name]):.3f} ± {np.std(scores[name], ddof=1):.3f}")

# %%
# H per row, with one standard deviation over the seeds. The dashed line is the
# backbone's mean: a method beats its backbone where its bar ends above the line
# by more than the larger of the two error bars; a term helps where switching it
# off lowers H by more than that.
import matplotlib.pyplot as plt

names = list(scores)
means = [np.mean(scores[n]) for n in names]
sds = [np.std(scores[n], ddof=1) for n in names]
colors = ["tab:gray"] + ["tab:blue"] * 7 + ["tab:orange"] * 4
fig, ax = plt.subplots(figsize=(7, 5))
ax.barh(names[::-1], means[::-1], xerr=sds[::-1], color=colors[::-1], capsize=3)
ax.axvline(means[0], color="black", linestyle="--", linewidth=1, label="backbone mean")
ax.set_xlabel("validation H (mean ± sd over 3 seeds)")
ax.set_title("Ablation on the digits' validation classes")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()
