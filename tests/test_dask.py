"""Hyperparameter search through joblib's dask backend gives the local result.

The local runs are sequential (``n_jobs=None``); inside
``joblib.parallel_backend("dask")`` the same calls send their fits to a small
cluster that runs inside the test process, reachable on the loopback
interface only (TCP on 127.0.0.1, no dashboard), so fits and their results
really go through dask's serialization. Skipped without the ``dask`` extra.
"""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from skzsl.datasets import make_zsl_classification
from skzsl.embedding import ESZSLClassifier
from skzsl.metrics import gzsl_scorer
from skzsl.model_selection import GZSLKFold, TunedSeenBiasClassifierCV

distributed = pytest.importorskip("dask.distributed",
                                  reason="needs the dask extra: pip install skzsl[dask]")
joblib = pytest.importorskip("joblib")

pytestmark = pytest.mark.slow  # starts a dask cluster

GRID = {"feature_reg": [0.01, 1.0, 100.0], "semantic_reg": [0.1, 10.0]}


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://",
        host="127.0.0.1", dashboard_address=None, worker_dashboard_address=None,
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def data():
    return make_zsl_classification(n_samples=300, n_classes=10, n_unseen_classes=3,
                                   random_state=0)


def test_cluster_listens_on_loopback_only(client):
    assert client.scheduler.address.startswith("tcp://127.0.0.1:")
    workers = client.scheduler_info()["workers"]
    assert workers and all(addr.startswith("tcp://127.0.0.1:") for addr in workers)
    assert client.dashboard_link is None or "127.0.0.1" in client.dashboard_link


def _grid_search(data):
    search = GridSearchCV(ESZSLClassifier(data.class_attributes, seen_bias=0.2), GRID,
                          scoring=gzsl_scorer, refit="harmonic",
                          cv=GZSLKFold(3, random_state=0))
    return search.fit(data.X_train, data.y_train)


def test_grid_search_on_dask_matches_local(client, data):
    local = _grid_search(data)
    with distributed.get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
        remote = _grid_search(data)
    assert len(tasks.data) > 0, "the fits did not run on the cluster"
    assert remote.best_params_ == local.best_params_
    for key in ("mean_test_seen", "mean_test_unseen", "mean_test_harmonic"):
        np.testing.assert_allclose(remote.cv_results_[key], local.cv_results_[key])
    np.testing.assert_array_equal(remote.predict(data.X_test_unseen),
                                  local.predict(data.X_test_unseen))


def test_tuned_seen_bias_search_on_dask_matches_local(client, data):
    def search(n_jobs):
        tuned = TunedSeenBiasClassifierCV(ESZSLClassifier(data.class_attributes), cv=2,
                                          n_jobs=n_jobs, random_state=0)
        grid = {f"estimator__{key}": values for key, values in GRID.items()}
        return GridSearchCV(tuned, grid, scoring=gzsl_scorer, refit="harmonic",
                            cv=GZSLKFold(3, random_state=0), n_jobs=n_jobs).fit(
            data.X_train, data.y_train)

    local = search(None)
    with distributed.get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
        remote = search(2)
    assert len(tasks.data) > 0, "the fits did not run on the cluster"
    assert remote.best_params_ == local.best_params_
    assert remote.best_estimator_.best_seen_bias_ == pytest.approx(
        local.best_estimator_.best_seen_bias_)
    np.testing.assert_allclose(remote.cv_results_["mean_test_harmonic"],
                               local.cv_results_["mean_test_harmonic"])
