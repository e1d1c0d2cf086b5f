"""SDDN's feature modules as Pipeline transformers."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from skzsl.datasets import make_zsl_classification
from skzsl.embedding import ESZSLClassifier
from skzsl.generative import SelfDistillationRefiner, VisualSemanticDisentangler
from skzsl.metrics import gzsl_scorer
from skzsl.model_selection import GZSLKFold

from ._fast import FAST

TRANSFORMERS = [SelfDistillationRefiner, VisualSemanticDisentangler]


@pytest.fixture(scope="module")
def data():
    return make_zsl_classification(random_state=0)


def make(cls, data, **params):
    return cls(data.class_attributes, **{**FAST[cls.__name__], **params})


@pytest.mark.parametrize("cls", TRANSFORMERS, ids=lambda c: c.__name__)
def test_fit_transform_equals_transform_and_names_outputs(cls, data):
    est = make(cls, data)
    Xt = est.fit_transform(data.X_train, data.y_train)
    np.testing.assert_allclose(Xt, est.transform(data.X_train))
    names = est.get_feature_names_out()
    assert Xt.shape == (len(data.X_train), len(names))
    # unseen-class samples are transformed like any other
    assert est.transform(data.X_test_unseen).shape == (len(data.X_test_unseen), len(names))


@pytest.mark.parametrize("cls", TRANSFORMERS, ids=lambda c: c.__name__)
def test_pandas_output(cls, data):
    est = make(cls, data).set_output(transform="pandas")
    X = pd.DataFrame(data.X_train, columns=[f"f{i}" for i in range(data.X_train.shape[1])])
    out = est.fit_transform(X, data.y_train)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(est.get_feature_names_out())


def test_refiner_feature_names():
    X, y = np.random.default_rng(0).random((30, 4)), np.repeat([0, 1, 2], 10)
    est = SelfDistillationRefiner(**FAST["SelfDistillationRefiner"]).fit(X, y)
    assert list(est.get_feature_names_out())[:2] == ["selfdistillationrefiner0",
                                                     "selfdistillationrefiner1"]


def test_disentangler_outputs_semantic_part_or_both(data):
    both = make(VisualSemanticDisentangler, data, output="both").fit(data.X_train, data.y_train)
    semantic = clone(both).set_params(output="semantic").fit(data.X_train, data.y_train)
    dims = FAST["VisualSemanticDisentangler"]
    full = both.transform(data.X_test_seen)
    assert full.shape[1] == dims["semantic_dim"] + dims["residual_dim"]
    np.testing.assert_allclose(semantic.transform(data.X_test_seen),
                               full[:, :dims["semantic_dim"]])


def test_disentangler_records_its_losses(data):
    est = make(VisualSemanticDisentangler, data).fit(data.X_train, data.y_train)
    for name in ("loss_reconstruction", "loss_relation", "loss_independence",
                 "loss_tc_discriminator"):
        assert np.isfinite(est.net_.history[-1][name])
    off = make(VisualSemanticDisentangler, data, independence_weight=0.0)
    assert "loss_tc_discriminator" not in off.fit(data.X_train, data.y_train).net_.history[-1]


def test_refiner_in_a_pipeline_before_eszsl(data):
    A = data.class_attributes
    pipe = make_pipeline(MinMaxScaler(), make(SelfDistillationRefiner, data),
                         ESZSLClassifier(A))
    pipe.fit(data.X_train, data.y_train)
    pred = pipe.set_params(eszslclassifier__candidates="unseen").predict(data.X_test_unseen)
    assert set(pred) <= set(pipe[-1].unseen_classes_)


def test_grid_search_over_transformer_weights(data):
    A = data.class_attributes
    pipe = make_pipeline(make(VisualSemanticDisentangler, data, max_epochs=2), ESZSLClassifier(A))
    search = GridSearchCV(pipe, {"visualsemanticdisentangler__relation_weight": [0.0, 1.0]},
                          scoring=gzsl_scorer, refit="harmonic",
                          cv=GZSLKFold(2, random_state=0))
    search.fit(data.X_train, data.y_train)
    assert search.best_params_["visualsemanticdisentangler__relation_weight"] in (0.0, 1.0)
