"""
===================================================
The seen-unseen accuracy curve and its area (AUSUC)
===================================================

A GZSL classifier trades seen accuracy S for unseen accuracy U through its
``seen_bias`` (calibrated stacking, Chao et al. 2016): the bias is subtracted
from every seen-class score before the arg-max. Sweeping it from very
negative (everything goes to a seen class) to very positive (everything goes
to an unseen class) traces a curve of (U, S) pairs; the area under it, AUSUC,
summarises the method independently of any one bias.

:func:`~skzsl.metrics.seen_unseen_curve` computes the curve exactly: the
predictions change only where the bias crosses one sample's margin between
its best seen and best unseen score, so there is one point per margin.
"""

# %%
# Fit a model on the seen digits
# ------------------------------
import matplotlib.pyplot as plt
import numpy as np

from skzsl.datasets import load_digits_zsl
from skzsl.embedding import ESZSLClassifier
from skzsl.metrics import ausuc_score, harmonic_mean, seen_unseen_curve
from skzsl.model_selection import PredefinedClassSplit, select_seen_bias

data = load_digits_zsl()
clf = ESZSLClassifier(data.class_attributes).fit(data.X_trainval, data.y_trainval)

# %%
# The curve on test data
# ----------------------
# The curve needs the raw class scores (no bias applied): the decision
# function at ``seen_bias=0``, columns aligned with ``classes_``.
X_test = np.concatenate([data.X_test_seen, data.X_test_unseen])
y_test = np.concatenate([data.y_test_seen, data.y_test_unseen])
scores = clf.decision_function(X_test)

biases, seen_acc, unseen_acc = seen_unseen_curve(
    y_test, scores, classes=clf.classes_, seen_classes=clf.seen_classes_)
auc = ausuc_score(y_test, scores, classes=clf.classes_, seen_classes=clf.seen_classes_)
print(f"{biases.size} points, AUSUC = {auc:.3f}")

# %%
# Choose the bias on validation classes
# -------------------------------------
# Which point of the curve to use is a hyperparameter, and the test set must
# not choose it. Hold out two training digits as validation classes, fit on
# the rest, and let :func:`~skzsl.model_selection.select_seen_bias` pick the
# bias that maximises H on the validation fold. The model refitted on all
# training digits then runs at that bias.
cv = PredefinedClassSplit(data.train_classes, data.val_classes, random_state=0)
train, val = next(cv.split(data.X_trainval, data.y_trainval))
val_model = ESZSLClassifier(data.class_attributes).fit(
    data.X_trainval[train], data.y_trainval[train])
bias = select_seen_bias(val_model, data.X_trainval[val], data.y_trainval[val])

# the test point that bias gives
at_bias = np.searchsorted(biases, bias, side="right") - 1
s, u = seen_acc[at_bias], unseen_acc[at_bias]
print(f"validation bias {bias:.3f}: test S={s:.3f} U={u:.3f} H={harmonic_mean(s, u):.3f}")

# the best H on the curve, for reference only: the test set cannot choose
h = np.array([harmonic_mean(a, b) for a, b in zip(seen_acc, unseen_acc, strict=True)])
print(f"best H anywhere on the test curve: {h.max():.3f}")

# %%
# Plot
# ----
fig, ax = plt.subplots(figsize=(5, 4.5))
ax.step(unseen_acc, seen_acc, where="post", label=f"ESZSL (AUSUC = {auc:.3f})")
ax.fill_between(unseen_acc, seen_acc, step="post", alpha=0.15)
ax.plot(unseen_acc[0], seen_acc[0], "k^", label="seen_bias = -inf")
ax.plot(u, s, "o", color="C3", label=f"seen_bias = {bias:.2f} (validation)")
ax.set(xlabel="unseen accuracy U", ylabel="seen accuracy S", xlim=(0, 1), ylim=(0, 1),
       title="Seen-unseen accuracy curve, digits")
ax.legend(loc="lower left")
fig.tight_layout()
plt.show()
