"""A trained conditional feature generator, usable on its own (``generator_``)."""

from numbers import Integral

import numpy as np
import torch
from sklearn.utils import check_random_state

from .._training import seed_from_random_state, to_numpy
from ..utils._docstring import fill_doc
from ._docstrings import FRAGMENTS

__all__ = ["FeatureGenerator"]

_CHUNK = 256  # samples generated at once


@fill_doc(**FRAGMENTS)
class FeatureGenerator:
    """A trained conditional feature generator, usable on its own.

    Fitted generative estimators expose one as ``generator_``. It generates
    features of any class of their class table, seen or unseen, in the
    original feature space (the estimator's feature scaling is undone).

    Parameters
    ----------
    net : skorch.NeuralNet
        The trained stage-1 net (``generator_net_`` of the estimator): its
        ``module_`` generates (through TF-VAEGAN's feedback module with the
        net's ``synthesis_feedback_weight``), conditioned on
        ``module_.class_semantics`` (the class table after
        the backbone's ``semantic_scaling``), on the net's device. Holding the net, not the
        module, lets a generator pickled on a GPU load on a CPU-only machine.
    class_attributes : ClassAttributes
        The class table: its labels name the classes.
    scaler : MinMaxScaler or None
        The feature scaling applied in fit, inverted on output.

    Examples
    --------
%(generative_example)s
    >>> clf.fit(X, y).generator_.sample(clf.unseen_classes_[:2], 5, random_state=0).shape
    (10, 20)
    """

    def __init__(self, net, class_attributes, scaler):
        self.net = net
        self.class_attributes = class_attributes
        self.scaler = scaler

    def sample_scaled(self, class_index, n, random_state=None):
        """``n`` features per class position, in the scaled space, as a float tensor.

        Parameters
        ----------
        class_index : array-like of int
            Positions of classes in the class table.
        n : int
            Features per class.
        random_state : int, RandomState instance or None, default=None
            Seeds the noise.

        Returns
        -------
        X : Tensor of shape (len(class_index) * n, n_features)
            On the net's device, in the scaled space the nets were trained in.
        """
        bundle, device = self.net.module_, self.net.device
        gen = torch.Generator(device=device)
        gen.manual_seed(seed_from_random_state(random_state))
        index = torch.as_tensor(np.repeat(class_index, n), device=device)
        semantics = bundle.class_semantics[index].to(next(bundle.generator.parameters()).dtype)
        was_training = bundle.training
        bundle.eval()
        # in chunks, into one preallocated output: a (n, hidden_dim) activation of every
        # sample at once can take GBs, and chunk outputs kept apart fragment the heap
        out = semantics.new_empty(len(semantics), bundle.generator.n_features)
        with torch.no_grad():
            for start in range(0, len(semantics), _CHUNK):
                chunk = semantics[start:start + _CHUNK]
                # TF-VAEGAN synthesises through its feedback module (weight a2)
                out[start:start + len(chunk)] = bundle.sample(
                    chunk, self.net.synthesis_feedback_weight, generator=gen)
        bundle.train(was_training)
        return out

    def sample_counts(self, counts, random_state=None):
        """``counts[k]`` scaled features of class position ``k``, as numpy arrays.

        Parameters
        ----------
        counts : ndarray of shape (n_classes,) of int
            Number of features to generate for each class position of the table.
        random_state : int, RandomState instance or None, default=None
            Seeds the noise.

        Returns
        -------
        X : ndarray of shape (counts.sum(), n_features), float32
            Generated features, in the scaled space the nets were trained in.
        y : ndarray of shape (counts.sum(),)
            Class positions.
        """
        rng = check_random_state(random_state)
        n_features = self.net.module_.generator.n_features
        parts = [np.empty((0, n_features), dtype=np.float32)]
        labels = [np.empty(0, dtype=np.int64)]
        for n in np.unique(counts[counts > 0]):
            classes = np.flatnonzero(counts == n)
            synthetic = self.sample_scaled(classes, int(n), random_state=rng.randint(2 ** 31 - 1))
            parts.append(to_numpy(synthetic))
            labels.append(np.repeat(classes, n))
        return np.concatenate(parts), np.concatenate(labels)

    def sample(self, class_labels, n, random_state=None):
        """Generate ``n`` features for each of ``class_labels``.

        Parameters
        ----------
        class_labels : array-like of shape (n_labels,)
            Labels of the class table (seen or unseen).
        n : int
            Number of features per label.
        random_state : int, RandomState instance or None, default=None
            Seeds the noise.

        Returns
        -------
        X : ndarray of shape (n_labels * n, n_features)
            ``n`` rows for the first label, then ``n`` for the second...; their
            labels are ``np.repeat(class_labels, n)``.
        """
        if not isinstance(n, Integral) or n < 0:
            raise ValueError(f"n must be a non-negative integer; got {n!r}.")
        index = self.class_attributes.index_of(np.atleast_1d(class_labels))
        X = to_numpy(self.sample_scaled(index, n, random_state)).astype(np.float64)
        return X if self.scaler is None else self.scaler.inverse_transform(X)
