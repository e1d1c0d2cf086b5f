"""Class semantics: the table that links every class, seen or unseen, to a vector."""

import numbers

import numpy as np
import pandas as pd

from .utils._docstring import fill_doc

__all__ = ["ClassAttributes", "check_class_attributes"]


_FRAGMENTS = {"method_embeddings_table": """
        attribute_embeddings : array-like of shape (n_attributes, d), default=None
            Optional per-attribute embeddings.

        Returns
        -------
        table : ClassAttributes
            The validated table.
"""}


@fill_doc(**_FRAGMENTS)
class ClassAttributes:
    """A table of class semantics: one vector per class label.

    The rows describe classes (attributes, text embeddings, ...); the columns are
    semantic dimensions. Optional attribute embeddings describe each *column*
    (for example a word vector per attribute name), which attention methods
    such as MSDN take as input.

    Parameters
    ----------
    matrix : array-like of shape (n_classes, n_attributes)
        One semantic vector per class, in the order of ``labels``.
    labels : array-like of shape (n_classes,)
        The class label of each row. Labels must be unique.
    attribute_names : array-like of str of shape (n_attributes,), default=None
        Names of the semantic dimensions. ``None`` gives ``"attr0"``, ``"attr1"``, ...
    attribute_embeddings : array-like of shape (n_attributes, embedding_dim), default=None
        A vector per attribute (for instance a word vector of its name).

    Attributes
    ----------
    labels : ndarray of shape (n_classes,)
        Class labels, sorted.
    matrix : ndarray of shape (n_classes, n_attributes)
        Semantic vectors, rows aligned with ``labels``.
    attribute_names : ndarray of str of shape (n_attributes,)
        Names of the semantic dimensions.
    attribute_embeddings : ndarray of shape (n_attributes, embedding_dim) or None
        Per-attribute embeddings.

    See Also
    --------
    check_class_attributes : Validate any accepted form of class table.

    Examples
    --------
    >>> from skzsl.semantics import ClassAttributes
    >>> table = ClassAttributes([[1, 0], [0, 1], [1, 1]], labels=["cat", "dog", "fox"],
    ...                         attribute_names=["furry", "barks"])
    >>> table.n_classes, table.n_attributes
    (3, 2)
    >>> table.rows(["fox", "cat"])
    array([[1., 1.],
           [1., 0.]])
    """

    def __init__(self, matrix, labels, attribute_names=None, attribute_embeddings=None):
        matrix = np.asarray(matrix, dtype=np.float64)
        labels = np.asarray(labels)
        if matrix.ndim != 2:
            raise ValueError(
                "The class-attribute matrix must be 2-D (n_classes, n_attributes); "
                f"got an array of shape {matrix.shape}."
            )
        if matrix.shape[0] == 0 or matrix.shape[1] == 0:
            raise ValueError(
                f"The class-attribute table is empty (shape {matrix.shape}); it needs at "
                "least one class (row) and one attribute (column)."
            )
        if labels.ndim != 1 or labels.shape[0] != matrix.shape[0]:
            raise ValueError(
                f"Got {labels.shape[0] if labels.ndim == 1 else labels.shape} labels for "
                f"{matrix.shape[0]} rows of class semantics; give one label per row."
            )
        if not np.all(np.isfinite(matrix)):
            bad = labels[~np.all(np.isfinite(matrix), axis=1)]
            raise ValueError(
                "The class-attribute table contains NaN or infinite values (classes "
                f"{_show(bad)}); fill or drop them before fitting."
            )
        uniq, counts = np.unique(labels, return_counts=True)
        if np.any(counts > 1):
            raise ValueError(
                f"Class labels in the class-attribute table must be unique; "
                f"{_show(uniq[counts > 1])} appear more than once."
            )
        order = np.argsort(labels, kind="stable")
        self.labels = labels[order]
        self.matrix = matrix[order]
        if attribute_names is None:
            attribute_names = [f"attr{i}" for i in range(matrix.shape[1])]
        attribute_names = np.asarray(attribute_names, dtype=object).astype(str)
        if attribute_names.shape != (matrix.shape[1],):
            raise ValueError(
                f"Got {attribute_names.size} attribute names for {matrix.shape[1]} "
                "attribute columns; give one name per column."
            )
        self.attribute_names = attribute_names
        if attribute_embeddings is not None:
            attribute_embeddings = np.asarray(attribute_embeddings, dtype=np.float64)
            if attribute_embeddings.ndim != 2 or attribute_embeddings.shape[0] != matrix.shape[1]:
                raise ValueError(
                    "attribute_embeddings must have shape (n_attributes, embedding_dim) = "
                    f"({matrix.shape[1]}, d); got {attribute_embeddings.shape}."
                )
            if not np.all(np.isfinite(attribute_embeddings)):
                raise ValueError("attribute_embeddings contains NaN or infinite values.")
        self.attribute_embeddings = attribute_embeddings

    @classmethod
    def from_frame(cls, frame, attribute_embeddings=None):
        """Build a table from a DataFrame indexed by class label.

        Parameters
        ----------
        frame : pandas.DataFrame
            Rows indexed by class label, one column per attribute.
%(method_embeddings_table)s

        Examples
        --------
        >>> import pandas as pd
        >>> from skzsl.semantics import ClassAttributes
        >>> df = pd.DataFrame({"stripes": [1.0, 0.0]}, index=["zebra", "horse"])
        >>> ClassAttributes.from_frame(df).labels
        array(['horse', 'zebra'], dtype=object)
        """
        non_numeric = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
        if non_numeric:
            raise ValueError(
                f"The class-attribute DataFrame has non-numeric columns {non_numeric[:5]}; "
                "keep only numeric attribute columns and put class labels in the index."
            )
        return cls(
            frame.to_numpy(dtype=np.float64),
            labels=frame.index.to_numpy(),
            attribute_names=[str(c) for c in frame.columns],
            attribute_embeddings=attribute_embeddings,
        )

    @classmethod
    def from_dict(cls, mapping, attribute_names=None, attribute_embeddings=None):
        """Build a table from a ``{label: vector}`` mapping.

        Parameters
        ----------
        mapping : dict
            Class label to semantic vector; every vector has the same length.
        attribute_names : array-like of str, default=None
            Names of the semantic dimensions.
%(method_embeddings_table)s

        Examples
        --------
        >>> from skzsl.semantics import ClassAttributes
        >>> ClassAttributes.from_dict({0: [1, 0], 1: [0, 1]}).matrix
        array([[1., 0.],
               [0., 1.]])
        """
        if len(mapping) == 0:
            raise ValueError("The class-attribute dict is empty; give one vector per class.")
        labels = list(mapping)
        lengths = {np.size(mapping[k]) for k in labels}
        if len(lengths) != 1:
            raise ValueError(
                "Class vectors in the class-attribute dict have different lengths "
                f"{sorted(lengths)}; "
                "every class needs a vector of the same length."
            )
        matrix = np.vstack([np.ravel(np.asarray(mapping[k], dtype=np.float64)) for k in labels])
        return cls(matrix, labels=np.asarray(labels), attribute_names=attribute_names,
                   attribute_embeddings=attribute_embeddings)

    @property
    def n_classes(self):
        """Number of classes (rows)."""
        return self.matrix.shape[0]

    @property
    def n_attributes(self):
        """Number of semantic dimensions (columns)."""
        return self.matrix.shape[1]

    def __len__(self):
        return self.n_classes

    def __repr__(self):
        return f"ClassAttributes(n_classes={self.n_classes}, n_attributes={self.n_attributes})"

    def index_of(self, labels):
        """Row positions of ``labels``; a label not in the table is a ``ValueError``.

        Parameters
        ----------
        labels : array-like of shape (n,)
            Class labels.

        Returns
        -------
        positions : ndarray of int of shape (n,)
            Row index of each label in :attr:`matrix`.
        """
        labels = np.asarray(labels)
        missing = np.setdiff1d(np.unique(labels), self.labels)
        if missing.size:
            raise ValueError(
                f"Labels {_show(missing)} have no row in the class-attribute table "
                f"(which has {self.n_classes} classes, e.g. {_show(self.labels[:5])}). Add "
                "their semantics to class_attributes, or check the labels for typos."
            )
        return np.searchsorted(self.labels, labels)

    def rows(self, labels):
        """Semantic vectors of ``labels``.

        Parameters
        ----------
        labels : array-like of shape (n,)
            Class labels, each present in the table.

        Returns
        -------
        rows : ndarray of shape (n, n_attributes)
            The vector of every label.
        """
        return self.matrix[self.index_of(labels)]

    def to_frame(self):
        """The table as a DataFrame indexed by class label.

        Returns
        -------
        frame : pandas.DataFrame of shape (n_classes, n_attributes)
            The class table.
        """
        return pd.DataFrame(self.matrix, index=pd.Index(self.labels, name="class"),
                            columns=list(self.attribute_names))


def _show(values, limit=10):
    values = [v.item() if hasattr(v, "item") else v for v in np.asarray(values).ravel()]
    text = ", ".join(repr(v) for v in values[:limit])
    if len(values) > limit:
        text += f", ... ({len(values)} in all)"
    return f"[{text}]"


def check_class_attributes(class_attributes, y=None, attribute_embeddings=None):
    """Validate a class table in any accepted form and return a :class:`ClassAttributes`.

    Parameters
    ----------
    class_attributes : DataFrame, dict, ClassAttributes, or None
        The class table. A DataFrame is indexed by class label with one numeric
        column per attribute; a dict maps label to vector. ``None`` means one-hot
        semantics over the labels in ``y`` (the estimator then behaves as an
        ordinary classifier and cannot predict unseen classes).
    y : array-like of shape (n_samples,), default=None
        Training labels. Every label must have a row in the table.
    attribute_embeddings : array-like of shape (n_attributes, d), default=None
        Per-attribute embeddings to attach (overrides those of a ``ClassAttributes``).

    Returns
    -------
    table : ClassAttributes
        The validated table, rows sorted by label.

    Examples
    --------
    >>> from skzsl.semantics import check_class_attributes
    >>> check_class_attributes(None, y=["b", "a", "b"]).to_frame()
           attr0  attr1
    class
    a        1.0    0.0
    b        0.0    1.0
    """
    if class_attributes is None:
        if y is None:
            raise ValueError("class_attributes=None needs y to build one-hot semantics.")
        labels = np.unique(np.asarray(y))
        table = ClassAttributes(np.eye(labels.size), labels=labels,
                                attribute_embeddings=attribute_embeddings)
    elif isinstance(class_attributes, ClassAttributes):
        table = ClassAttributes(
            class_attributes.matrix, class_attributes.labels, class_attributes.attribute_names,
            class_attributes.attribute_embeddings if attribute_embeddings is None
            else attribute_embeddings,
        )
    elif isinstance(class_attributes, pd.DataFrame):
        table = ClassAttributes.from_frame(class_attributes, attribute_embeddings)
    elif isinstance(class_attributes, dict):
        table = ClassAttributes.from_dict(class_attributes,
                                          attribute_embeddings=attribute_embeddings)
    else:
        raise TypeError(
            "class_attributes must be a pandas DataFrame indexed by class label, a dict "
            "{label: vector}, a skzsl.semantics.ClassAttributes, or None (one-hot); got "
            f"{type(class_attributes).__name__}."
        )
    if y is not None:
        y = np.asarray(y)
        _check_label_kinds(table.labels, y)
        table.index_of(y)
    return table


def _check_label_kinds(table_labels, y):
    """Refuse to match string labels against numeric ones (a silent mismatch otherwise)."""
    def kind(a):
        if a.dtype.kind in "iub" or (a.dtype.kind == "O" and all(
                isinstance(v, numbers.Integral) for v in a.ravel()[:50])):
            return "integer"
        if a.dtype.kind == "f":
            return "float"
        return "string"

    ky, kt = kind(y), kind(table_labels)
    numeric = {"integer", "float"}
    if (ky in numeric) != (kt in numeric):
        raise ValueError(
            f"y holds {ky} labels but the class-attribute table is indexed by {kt} labels "
            f"(e.g. {_show(table_labels[:3])}); index the table by the same labels as y."
        )
