"""
===========================================
Quick start: recognise digits never seen
===========================================

A generalized zero-shot classifier is trained on some classes and must
recognise those *and* classes of which it saw no example, known only by a
description. Here the classes are handwritten digits (real data shipped with
scikit-learn), each described by ten attributes: which strokes of a
seven-segment display it uses, its loops, diagonals and curves. Digits 3, 7
and 9 have no training image.
"""

# %%
# The data
# --------
# :func:`~skzsl.datasets.load_digits_zsl` returns the seen-class training
# images, seen and unseen test images, and the class table: one row per
# digit, seen or not.
from skzsl.datasets import load_digits_zsl

data = load_digits_zsl()
print("seen digits:  ", data.seen_classes)
print("unseen digits:  ", data.unseen_classes)
data.class_attributes

# %%
# Fit a GZSL classifier
# ---------------------
# :class:`~skzsl.embedding.ESZSLClassifier` learns, in closed form, how the
# attributes show in the pixels of the seen digits. It scores every class of
# the table through its attribute vector, so it can predict 3, 7 and 9.
from skzsl.embedding import ESZSLClassifier

clf = ESZSLClassifier(class_attributes=data.class_attributes)
clf.fit(data.X_trainval, data.y_trainval)
print("seen:", clf.seen_classes_, "unseen:", clf.unseen_classes_)

# %%
# Zero-shot: only unseen classes as candidates
# --------------------------------------------
# With ``candidates="unseen"`` the classifier chooses among 3, 7 and 9 only
# (conventional zero-shot learning). Accuracy is the mean of per-class
# accuracies.
import matplotlib.pyplot as plt
from sklearn.metrics import ConfusionMatrixDisplay

from skzsl.metrics import per_class_accuracy_score

clf.set_params(candidates="unseen")
y_pred = clf.predict(data.X_test_unseen)
print(f"ZSL accuracy: {per_class_accuracy_score(data.y_test_unseen, y_pred):.3f}")
display = ConfusionMatrixDisplay.from_predictions(data.y_test_unseen, y_pred)
display.ax_.set_title("ZSL: unseen digits, unseen candidates")
plt.show()

# %%
# Generalized zero-shot: every class competes
# -------------------------------------------
# In GZSL, test images of seen and unseen digits are mixed and all ten
# digits are candidates. The model was trained on seen digits only and
# favours them: unseen accuracy U is low. ``seen_bias`` (calibrated
# stacking) lowers every seen-class score at prediction time, without
# refitting.
from skzsl.metrics import evaluate_gzsl

clf.set_params(candidates="all")
for bias in [0.0, 0.2, 0.4]:
    clf.set_params(seen_bias=bias)
    s = evaluate_gzsl(clf, data.X_test_seen, data.y_test_seen,
                      data.X_test_unseen, data.y_test_unseen)
    print(f"seen_bias={bias:.1f}  S={s['seen']:.3f}  U={s['unseen']:.3f}  H={s['harmonic']:.3f}")

# %%
# Looking at test scores to pick the bias, as above, is only for
# illustration: it turns the test set into a validation set. The next
# section does it properly.
#
# Choose everything on validation classes
# ---------------------------------------
# :class:`~skzsl.model_selection.TunedSeenBiasClassifierCV` chooses the seen
# bias on class-disjoint folds of its training data; ``GridSearchCV`` compares
# the regularisers, each at its own tuned bias, on the dataset's own
# validation split (2 of the 7 seen digits held out whole to play the unseen
# ones), and refits the best on all training data. The test set is used once,
# at the end.
from sklearn.model_selection import GridSearchCV

from skzsl.metrics import gzsl_scorer
from skzsl.model_selection import PredefinedClassSplit, TunedSeenBiasClassifierCV

tuned = TunedSeenBiasClassifierCV(ESZSLClassifier(data.class_attributes), random_state=0)
grid = {"estimator__feature_reg": [0.1, 1.0, 10.0], "estimator__semantic_reg": [0.1, 1.0, 10.0]}
cv = PredefinedClassSplit(data.train_classes, data.val_classes, random_state=0)
search = GridSearchCV(tuned, grid, scoring=gzsl_scorer, refit="harmonic", cv=cv)
search.fit(data.X_trainval, data.y_trainval)
print("best:", search.best_params_, f"seen_bias={search.best_estimator_.best_seen_bias_:.3f}")
scores = evaluate_gzsl(search.best_estimator_, data.X_test_seen, data.y_test_seen,
                       data.X_test_unseen, data.y_test_unseen)
{name: round(value, 3) for name, value in scores.items()}
