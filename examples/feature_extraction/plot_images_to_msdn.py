"""
=====================================
From image files to MSDN, in one pipe
=====================================

:class:`~skzsl.feature_extraction.ImageFeatureExtractor` turns image files into
the region maps that :class:`~skzsl.attention.MSDNClassifier` reads, so a
scikit-learn pipeline goes from paths to GZSL predictions. Here the images are
scikit-learn's handwritten digits written to PNG files, with digits 3, 7 and 9
unseen in training (:func:`~skzsl.datasets.load_digits_zsl`).

The backbone is a torchvision ResNet-18 with **random weights**
(``weights=None``), so that this page builds offline: the files, shapes and
order are exactly those of a real extraction, but random features carry little
of what tells digits apart. With real weights (``weights="IMAGENET1K_V1"``,
downloaded by torchvision on first use) and ResNet-101 at 448 px (the default
for ``output="regions"``), the same code gives the 2048 x 14 x 14 region maps
of the MSDN paper; on photographs of birds, animals or scenes, that is what
makes the attention meaningful.
"""

# %%
# Images on disk
# --------------
# Each 8 x 8 digit becomes a PNG file; the classifier sees only the paths.
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from skzsl.datasets import load_digits_zsl

data = load_digits_zsl()
folder = Path(tempfile.mkdtemp())


def write_pngs(X, name):
    paths = []
    for i, pixels in enumerate(X):
        path = folder / f"{name}_{i:04d}.png"
        Image.fromarray(np.uint8(pixels.reshape(8, 8) * 255)).save(path)
        paths.append(str(path))
    return paths


rng = np.random.RandomState(0)
train = rng.choice(len(data.X_trainval), 400, replace=False)
test = rng.choice(len(data.X_test_unseen), 150, replace=False)
train_files = write_pngs(data.X_trainval[train], "train")
test_files = write_pngs(data.X_test_unseen[test], "test")
train_files[:2]

# %%
# Region maps
# -----------
# ResNet-18 cut before its pooling: at 64 px, a 512 x 2 x 2 map per image,
# channel first, the layout of the MSDN code (``(n, C, H, W)``; its ``(n, C, R)``
# is a reshape away). ``fit`` reads no image: it loads the network and records
# the output shape.
from skzsl.feature_extraction import ImageFeatureExtractor

extractor = ImageFeatureExtractor("resnet18", weights=None, output="regions", image_size=64,
                                  random_state=0, verbose=0)
maps = extractor.fit_transform(test_files[:4])
maps.shape, extractor.n_regions_

# %%
# The pooled feature is the spatial mean of the map, the vector that the
# generative methods and ``res101.mat`` use:
pooled = extractor.set_params(output="pooled").transform(test_files[:4])
np.abs(pooled - maps.mean(axis=(2, 3))).max()

# %%
# Paths in, labels out
# --------------------
# The extractor and MSDN in one pipeline, fitted on the files of the seen
# digits, then asked about unseen digits only (conventional ZSL; chance is 1/3).
from sklearn.pipeline import make_pipeline

from skzsl.attention import MSDNClassifier

model = make_pipeline(
    ImageFeatureExtractor("resnet18", weights=None, output="regions", image_size=64,
                          random_state=0, verbose=0),
    MSDNClassifier(data.class_attributes, max_epochs=15, lr=3e-3, batch_size=64,
                   candidates="unseen", random_state=0, verbose=0),
)
model.fit(train_files, data.y_trainval[train])
predicted = model.predict(test_files)
print(f"accuracy on unseen digits: {np.mean(predicted == data.y_test_unseen[test]):.2f} "
      "(chance 0.33, random backbone weights)")

# %%
# For a benchmark, extract once to a file and reuse it: ``output_file`` streams
# the rows to a ``.npy`` file (the memory holds a batch, not the dataset), and
# :func:`~skzsl.feature_extraction.extract_benchmark_features` (``skzsl
# extract``) writes CUB, AWA2, SUN or FLO in ``res101.mat`` row order for
# ``load_xlsa17(..., features=...)``.
