import numpy as np
import pandas as pd
import pytest

from skzsl.semantics import ClassAttributes, check_class_attributes


def test_rows_sorted_by_label_and_aligned():
    table = ClassAttributes([[3.0], [1.0], [2.0]], labels=["c", "a", "b"])
    assert table.labels.tolist() == ["a", "b", "c"]
    assert table.rows(["c", "a"]).ravel().tolist() == [3.0, 1.0]


@pytest.mark.parametrize("form", ["frame", "dict", "table"])
def test_accepted_forms_agree(form):
    frame = pd.DataFrame({"x": [1.0, 0.0], "y": [0.5, 2.0]}, index=["dog", "cat"])
    value = {"frame": frame,
             "dict": {"dog": [1.0, 0.5], "cat": [0.0, 2.0]},
             "table": ClassAttributes.from_frame(frame)}[form]
    table = check_class_attributes(value, y=["cat", "dog"])
    np.testing.assert_array_equal(table.rows(["cat"]), [[0.0, 2.0]])


def test_none_is_one_hot_over_y():
    table = check_class_attributes(None, y=[2, 0, 2])
    assert table.labels.tolist() == [0, 2]
    np.testing.assert_array_equal(table.matrix, np.eye(2))


def test_missing_label_is_named():
    with pytest.raises(ValueError, match=r"'zebra'.*no row in the class-attribute table"):
        check_class_attributes({"dog": [1.0]}, y=["dog", "zebra"])


def test_string_vs_integer_labels_refused():
    with pytest.raises(ValueError, match="string labels"):
        check_class_attributes({0: [1.0], 1: [0.0]}, y=np.array(["0", "1"]))


@pytest.mark.parametrize(
    "value, message",
    [
        (pd.DataFrame(), "empty"),
        ({}, "empty"),
        (pd.DataFrame({"x": [np.nan]}, index=["a"]), "NaN"),
        (pd.DataFrame({"x": ["big"]}, index=["a"]), "non-numeric"),
        ({"a": [1.0], "b": [1.0, 2.0]}, "different lengths"),
        ([[1.0]], "DataFrame"),
    ],
)
def test_bad_tables(value, message):
    with pytest.raises((ValueError, TypeError), match=message):
        check_class_attributes(value, y=["a"])


def test_duplicate_labels_refused():
    with pytest.raises(ValueError, match="unique"):
        ClassAttributes([[1.0], [2.0]], labels=["a", "a"])


def test_attribute_embeddings_shape_checked():
    with pytest.raises(ValueError, match="n_attributes"):
        ClassAttributes([[1.0, 2.0]], labels=["a"], attribute_embeddings=np.ones((3, 4)))
    table = ClassAttributes([[1.0, 2.0]], labels=["a"], attribute_embeddings=np.ones((2, 4)))
    assert table.attribute_embeddings.shape == (2, 4)


def test_to_frame_round_trip():
    frame = pd.DataFrame({"x": [1.0, 0.0]}, index=["a", "b"])
    out = ClassAttributes.from_frame(frame).to_frame()
    assert out.index.tolist() == ["a", "b"] and out.columns.tolist() == ["x"]
