"""
=======================================
Loading an xlsa17 benchmark (CUB, AWA2)
=======================================

The standard GZSL benchmarks (AWA1, AWA2, CUB, SUN, APY, and FLO) come in
the layout of Xian et al.'s proposed splits, "xlsa17": per dataset a
``res101.mat`` with 2048-d ResNet-101 features and labels, and an
``att_splits.mat`` with the class semantics and the split indices.
:func:`~skzsl.datasets.load_xlsa17` reads them into the arrays and class
table the estimators take.

skzsl downloads nothing: get ``xlsa17.zip`` from the project page of
"Zero-Shot Learning - the Good, the Bad and the Ugly" (FLO is in the
f-CLSWGAN release ``cvpr18xian.zip``), unpack it, and point ``data_home`` or
the ``SKZSL_DATA`` environment variable at the folder. This example needs
those files, so it is shown here but not run when the documentation is
built.
"""

# %%
# Load a dataset
# --------------
from skzsl.datasets import get_data_home, load_xlsa17

print("looking in", get_data_home())          # $SKZSL_DATA, or ~/skzsl_data
cub = load_xlsa17("CUB")                       # or load_xlsa17("CUB", data_home="/data/xlsa17")
print(cub.DESCR)

print(cub.X_trainval.shape, cub.X_test_seen.shape, cub.X_test_unseen.shape)
print(cub.class_attributes.shape)              # 200 classes x 312 attributes

# %%
# Validation classes for model selection
# --------------------------------------
# ``train_classes`` and ``val_classes`` split the trainval classes; the test
# classes are never used to choose anything.
from sklearn.model_selection import GridSearchCV

from skzsl.embedding import ESZSLClassifier
from skzsl.metrics import evaluate_gzsl, gzsl_scorer
from skzsl.model_selection import PredefinedClassSplit, TunedSeenBiasClassifierCV

cv = PredefinedClassSplit(cub.train_classes, cub.val_classes, random_state=0)
tuned = TunedSeenBiasClassifierCV(ESZSLClassifier(cub.class_attributes), random_state=0)
grid = {"estimator__feature_reg": [0.1, 1.0, 10.0, 100.0],
        "estimator__semantic_reg": [0.1, 1.0, 10.0, 100.0]}
search = GridSearchCV(tuned, grid, scoring=gzsl_scorer, refit="harmonic", cv=cv, n_jobs=-1)
search.fit(cub.X_trainval, cub.y_trainval)
print(search.best_params_, search.best_estimator_.best_seen_bias_)
print(evaluate_gzsl(search.best_estimator_, cub.X_test_seen, cub.y_test_seen,
                    cub.X_test_unseen, cub.y_test_unseen))

# %%
# Other semantics, your own features
# ----------------------------------
# CUB also has 1024-d sentence embeddings per class; any dataset accepts your
# own semantics (an array with a row per class id, or a DataFrame indexed by
# label) and your own image features, one row per image in ``res101.mat``
# row order (CLIP or ViT embeddings, region feature maps for MSDN).
cub_sent = load_xlsa17("CUB", semantics="sent")
print(cub_sent.class_attributes.shape)         # 200 x 1024

# features = np.load("cub_clip_vitb16.npy")    # (11788, 512), res101.mat row order
# cub_clip = load_xlsa17("CUB", features=features)
