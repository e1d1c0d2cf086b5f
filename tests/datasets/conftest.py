import numpy as np
import pytest


def _eszsl_unseen_accuracy(X_train, y_train, X_unseen, y_unseen, class_attributes,
                           gamma=1.0, lam=1.0):
    """Mean per-class accuracy of closed-form ESZSL on unseen classes (candidates: unseen).

    V = (X^T X + gamma I)^-1 X^T Y S (S^T S + lam I)^-1 with Y the 0/1 class
    indicator and S the seen rows of the table (Romera-Paredes and Torr, 2015).
    Written out here so the dataset tests do not depend on skzsl's estimators.
    """
    X_train = X_train.reshape(len(X_train), -1)
    X_unseen = X_unseen.reshape(len(X_unseen), -1)
    seen, unseen = np.unique(y_train), np.unique(y_unseen)
    S = class_attributes.loc[seen].to_numpy()
    S_unseen = class_attributes.loc[unseen].to_numpy()
    Y = (y_train[:, None] == seen[None, :]).astype(float)
    d = X_train.shape[1]
    V = np.linalg.solve(X_train.T @ X_train + gamma * np.eye(d), X_train.T @ Y @ S)
    V = V @ np.linalg.inv(S.T @ S + lam * np.eye(S.shape[1]))
    pred = unseen[np.argmax(X_unseen @ V @ S_unseen.T, axis=1)]
    return np.mean([np.mean(pred[y_unseen == c] == c) for c in unseen])


@pytest.fixture
def eszsl_unseen_accuracy():
    return _eszsl_unseen_accuracy
