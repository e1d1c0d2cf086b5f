import pytest

from skzsl.embedding import ESZSLClassifier
from skzsl.metrics import zsl_scorer


def _eszsl_unseen_accuracy(X_train, y_train, X_unseen, y_unseen, class_attributes,
                           gamma=1.0, lam=1.0):
    """ZSL accuracy (unseen classes as candidates) of ESZSL on flattened features."""
    clf = ESZSLClassifier(class_attributes, feature_reg=gamma, semantic_reg=lam)
    clf.fit(X_train.reshape(len(X_train), -1), y_train)
    return zsl_scorer(clf, X_unseen.reshape(len(X_unseen), -1), y_unseen)


@pytest.fixture
def eszsl_unseen_accuracy():
    return _eszsl_unseen_accuracy
