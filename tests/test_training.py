"""The shared skorch plumbing: class-balanced batches."""

import numpy as np
import pytest
import torch

from skzsl._training import ClassBalancedBatchSampler, class_balanced_loader, seeded
from skzsl.attention import MSDNClassifier, msdn_preset


def _draw(labels, batch_size, seed=0):
    with seeded(seed):
        return list(ClassBalancedBatchSampler(labels, batch_size))


def test_more_classes_than_batch_one_sample_of_distinct_classes():
    labels = np.repeat(np.arange(30), np.arange(1, 31))      # 465 samples, 1 to 30 per class
    batches = _draw(labels, batch_size=8)
    assert len(batches) == 465 // 8
    for batch in batches:
        assert len(batch) == 8
        assert len(set(labels[batch])) == 8                     # 8 distinct classes, 1 each
    # classes are drawn uniformly, not in proportion to their size
    counts = np.bincount(labels[np.concatenate(batches)], minlength=30)
    assert counts[0] > 0 and counts.max() < 3 * counts.min() + 10


def test_fewer_classes_than_batch_every_class_equally():
    labels = np.repeat(["big", "small", "tiny"], [90, 6, 4])
    batches = _draw(labels, batch_size=7)                       # 7 // 3 = 2 per class
    assert len(batches) == 100 // 7
    for batch in batches:
        names, counts = np.unique(labels[batch], return_counts=True)
        assert names.tolist() == ["big", "small", "tiny"] and counts.tolist() == [2, 2, 2]
    drawn = np.concatenate(batches)
    assert set(drawn[labels[drawn] == "tiny"]) <= set(np.flatnonzero(labels == "tiny"))


def test_at_least_one_batch_and_reproducible():
    labels = np.array([3, 1, 3, 1, 2])
    assert len(ClassBalancedBatchSampler(labels, batch_size=50)) == 1
    assert _draw(labels, 50) == _draw(labels, 50)
    big = np.arange(200) % 10
    assert _draw(big, 10, seed=0) != _draw(big, 10, seed=1)
    with pytest.raises(ValueError, match="at least one sample"):
        ClassBalancedBatchSampler([], 4)


def test_loader_reads_labels_from_the_skorch_dataset():
    from skorch.dataset import Dataset
    X = np.arange(24, dtype=np.float32).reshape(12, 2)
    y = torch.as_tensor(np.repeat([0, 1, 2], 4))
    with seeded(0):
        batches = list(class_balanced_loader(Dataset(X, y), batch_size=6))
    assert len(batches) == 2
    for Xb, yb in batches:
        assert sorted(yb.tolist()) == [0, 0, 1, 1, 2, 2]
        np.testing.assert_array_equal(Xb[:, 0] // 8, yb.numpy())    # rows stay with labels


def test_msdn_class_balanced_training():
    rng = np.random.RandomState(0)
    X = rng.rand(60, 3, 4).astype(np.float32)
    y = np.repeat([0, 1, 2], [40, 10, 10])
    params = dict(max_epochs=2, batch_size=12, lr=1e-3, verbose=0, random_state=0,
                  device="cpu")
    balanced = MSDNClassifier(class_balanced=True, **params).fit(X, y)
    assert len(balanced.net_.history[-1, "batches"]) == 60 // 12
    shuffled = MSDNClassifier(**params).fit(X, y)
    assert not np.allclose(balanced.decision_function(X), shuffled.decision_function(X))
    again = MSDNClassifier(class_balanced=True, **params).fit(X, y)
    np.testing.assert_array_equal(balanced.decision_function(X), again.decision_function(X))
    assert [msdn_preset(name)["class_balanced"] for name in ("CUB", "AWA2", "SUN")] == [
        False, True, True]


def test_row_copy_dataset_copies_only_read_only_rows():
    from skzsl._training import RowCopyDataset
    X = np.arange(12, dtype=np.float32).reshape(4, 3)
    row, _ = RowCopyDataset(X, np.zeros(4))[1]
    assert np.shares_memory(row, X)                      # writable: passed through
    X.setflags(write=False)
    row, _ = RowCopyDataset(X, np.zeros(4))[1]
    assert not np.shares_memory(row, X) and row.flags.writeable
    np.testing.assert_array_equal(row, [3, 4, 5])


def test_random_draw_batches_are_independent_full_draws():
    from skzsl._training import RandomDrawBatchSampler

    torch.manual_seed(0)
    batches = list(RandomDrawBatchSampler(100, 64, n_draws=5, n_passes=2))
    # ceil(100 / 64) iterations per pass, two passes; 5 draws of 64 distinct rows each
    assert len(batches) == 4 and all(len(b) == 320 for b in batches)
    draws = [list(batches[0][i * 64:(i + 1) * 64]) for i in range(5)]
    assert all(len(set(d)) == 64 for d in draws)
    assert draws[0] != draws[1]


def test_full_batches_wrap_around():
    from skzsl._training import FullBatchSampler

    torch.manual_seed(0)
    batches = list(FullBatchSampler(10, 4))
    assert [len(b) for b in batches] == [4, 4, 4]
    # the first 10 rows are a permutation; the last two come from a fresh one
    assert sorted(np.concatenate(batches)[:10].tolist()) == list(range(10))
