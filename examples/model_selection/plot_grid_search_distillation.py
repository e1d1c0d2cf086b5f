"""
========================================================================
Grid search over SDDN's and its backbone's weights, without the test set
========================================================================

:class:`~skzsl.generative.SDDNClassifier` trains a feature generator together
with a self-distillation embedding: a self-teacher distills soft labels
(``soft_label_weight``) into a student network. Setting the weight to 0
switches its loss off, so searching it is also an ablation. The generator is
the backbone, an object with hyperparameters of its own
(:class:`~skzsl.generative.FVAEGAN` here): the grid reaches them as
``backbone__<name>``, next to the method's: this search tries the weight of
the generator's adversarial term (``backbone__adversarial_weight``, the
official code's ``gammaG``) together with the distillation weight.

H depends strongly on the seen bias of calibrated stacking, and the best
bias differs between combinations, so each combination is compared at its
own tuned bias. The search is made of scikit-learn objects and three skzsl
pieces:

- :class:`~skzsl.model_selection.GZSLKFold`, a class-disjoint splitter: in
  every fold some training classes are held out whole and play the unseen
  classes, and a fraction of the samples of the others is held out as seen
  validation samples;
- :class:`~skzsl.model_selection.TunedSeenBiasClassifierCV`, which fits SDDN
  on the folds of its own training data, chooses the bias that maximises H on
  their held-out classes (exactly, from the seen-unseen curve) and refits;
- :data:`~skzsl.metrics.gzsl_scorer`, which returns seen accuracy S, unseen
  accuracy U and their harmonic mean H; ``refit="harmonic"`` keeps the
  combination with the best H.

``GridSearchCV`` splits the training classes with one ``GZSLKFold``; inside
each of its fits, ``TunedSeenBiasClassifierCV`` splits the fit's training part
again to tune the bias. So every H in the table below is measured on classes
that neither trained the model nor chose its bias. The test split is used
once, at the end. Both splitters are seeded, so the figures are the same at
every run.

The data are synthetic (16 classes, 4 of them unseen in training) and the
networks tiny, so that the whole search (27 SDDN fits) runs in about half a
minute on one CPU thread: the scores it prints say nothing about SDDN on real
features. What the example shows is the mechanics of an honest search.
"""

# %%
# Data and estimator
# ------------------
import pandas as pd
from sklearn.model_selection import GridSearchCV

from skzsl.datasets import make_zsl_classification
from skzsl.generative import FVAEGAN, SDDNClassifier
from skzsl.metrics import evaluate_gzsl, gzsl_scorer
from skzsl.model_selection import GZSLKFold, TunedSeenBiasClassifierCV

data = make_zsl_classification(n_samples=480, n_classes=16, n_unseen_classes=4,
                               random_state=0)

# tiny networks, one critic step and few epochs, for a quick example
backbone = FVAEGAN(hidden_dim=32, n_critic=1, lr=3e-3)
sddn = SDDNClassifier(
    data.class_attributes, backbone=backbone,
    hidden_dim=32, embedding_dim=16, latent_dim=8, max_epochs=20,
    classifier_max_epochs=30, classifier_lr=1e-2, n_synthetic_per_class=30, verbose=0,
    random_state=0,
)
params = sddn.get_params()
print({name: params[name] for name in ("backbone__adversarial_weight", "soft_label_weight")})

# %%
# The search
# ----------
# The grid names the parameters of the wrapped estimator with the
# ``estimator__`` prefix, and those of its backbone with
# ``estimator__backbone__``: ``GridSearchCV`` sets them with ``set_params`` on
# a clone, as any nested scikit-learn parameter. Every fold holds out whole
# classes of the training data; the class table covers them, so they are
# unseen for that fit and known by their semantics.
tuned = TunedSeenBiasClassifierCV(sddn, cv=GZSLKFold(2, random_state=0), random_state=0)
param_grid = {"estimator__backbone__adversarial_weight": [1.0, 10.0],
              "estimator__soft_label_weight": [0.0, 1.0]}
search = GridSearchCV(tuned, param_grid, scoring=gzsl_scorer, refit="harmonic",
                      cv=GZSLKFold(2, random_state=0))
search.fit(data.X_train, data.y_train)

results = pd.DataFrame(search.cv_results_)
columns = ["param_estimator__backbone__adversarial_weight", "param_estimator__soft_label_weight",
           "mean_test_seen", "mean_test_unseen", "mean_test_harmonic", "rank_test_harmonic"]
print(results[columns].round(3).to_string(index=False))

# %%
# The chosen model
# ----------------
# ``best_estimator_`` is the tuned classifier refitted on all training
# classes: its bias was tuned on folds of those classes, and
# ``best_score_`` is H measured on validation halves that did not choose the
# bias.
model = search.best_estimator_
print("best:", search.best_params_)
print("its backbone:", model.estimator_.backbone_)
print(f"seen_bias = {model.best_seen_bias_:.3f}, held-out validation H = "
      f"{model.best_score_:.3f}")
print("per fold:", {key: value.round(3).tolist() for key, value in model.cv_results_.items()})

# %%
# The test split, once
# --------------------
# Only now is the test split used: ZSL accuracy, S, U, H and AUSUC of the
# chosen model. The final model learns from all 12 training classes, where
# each model scored in the table above learned from 6 of them (and tuned its
# bias on models that saw 3), so its test figures can be far higher than the
# validation ones; they are not used to choose anything.
scores = evaluate_gzsl(model, data.X_test_seen, data.y_test_seen,
                       data.X_test_unseen, data.y_test_unseen)
print({name: round(value, 3) for name, value in scores.items()})
