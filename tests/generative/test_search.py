"""GridSearchCV over SDDN's distillation weights, end to end, with GZSL scoring."""

import numpy as np
from sklearn.model_selection import GridSearchCV

from skzsl.datasets import make_zsl_classification
from skzsl.generative import SDDNClassifier
from skzsl.metrics import gzsl_scorer
from skzsl.model_selection import GZSLKFold

from ._fast import FAST


def test_grid_search_over_distillation_weights():
    data = make_zsl_classification(n_samples=150, n_classes=6, n_unseen_classes=2,
                                   random_state=0)
    clf = SDDNClassifier(data.class_attributes, **{**FAST["SDDNClassifier"], "max_epochs": 2})
    grid = {"soft_label_weight": [0.0, 1.0], "feature_map_weight": [0.0, 1.0]}
    search = GridSearchCV(clf, grid, scoring=gzsl_scorer, refit="harmonic",
                          cv=GZSLKFold(2, random_state=0))
    search.fit(data.X_train, data.y_train)
    assert set(search.best_params_) == set(grid)
    for key in ("harmonic", "seen", "unseen"):
        scores = search.cv_results_[f"mean_test_{key}"]
        assert scores.shape == (4,) and np.all((scores >= 0) & (scores <= 1))
    # the refitted model knows every class of the table, including the held-out ones
    assert len(search.best_estimator_.classes_) == len(data.class_attributes)
    assert search.predict(data.X_test_unseen).shape == (len(data.X_test_unseen),)
