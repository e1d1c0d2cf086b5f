"""From image files to a fitted MSDN: the pipeline the feature extractor exists for."""

import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline
from torch import nn

from skzsl.attention import MSDNClassifier
from skzsl.datasets import load_digits_zsl
from skzsl.feature_extraction import ImageFeatureExtractor
from skzsl.generative import TFVAEGAN, CLSWGANClassifier

pytest.importorskip("torchvision", reason="the vision extra: skzsl[vision]")


class RandomConvNet(nn.Module):
    """One random convolution and a ReLU before an ``avgpool`` and a head, as a ResNet ends."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 5, stride=4, padding=2)
        self.relu = nn.ReLU()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        return self.fc(self.avgpool(self.relu(self.conv(x))).flatten(1))


def _write_digits(folder, X):
    from PIL import Image

    folder.mkdir()
    paths = []
    for i, pixels in enumerate(X):
        path = folder / f"digit_{i:04d}.png"
        Image.fromarray(np.uint8(pixels.reshape(8, 8) * 255)).save(path)
        paths.append(str(path))
    return paths


@pytest.mark.slow
def test_image_files_to_msdn_beats_chance_on_unseen_digits(tmp_path):
    data = load_digits_zsl()
    test = np.random.RandomState(0).choice(len(data.X_test_unseen), 150, replace=False)
    train_files = _write_digits(tmp_path / "train", data.X_trainval)
    test_files = _write_digits(tmp_path / "test", data.X_test_unseen[test])
    torch.manual_seed(0)
    pipe = make_pipeline(
        # 24 px digits give a 6 x 6 map of 16 random features per region
        ImageFeatureExtractor(RandomConvNet(), output="regions", image_size=24,
                              normalize=None, verbose=0, device="cpu"),
        MSDNClassifier(data.class_attributes, max_epochs=10, lr=3e-3, batch_size=64,
                       position_embedding=True, normalize_features=False,
                       candidates="unseen", random_state=0, verbose=0, device="cpu"))
    pipe.fit(train_files, data.y_trainval)
    assert pipe[-1].n_regions_ == 36 and pipe[-1].region_dim_ == 16
    predicted = pipe.predict(test_files)
    accuracy = np.mean(predicted == data.y_test_unseen[test])
    chance = 1 / len(data.unseen_classes)
    print(f"ZSL accuracy on unseen digits {accuracy:.3f} (chance {chance:.3f})")
    assert accuracy > chance + 0.05, accuracy
    assert set(predicted) <= set(data.unseen_classes)


@pytest.mark.slow
def test_image_files_to_tfvaegan(tmp_path):
    # pooled features feed the generative methods: TF-VAEGAN fits and predicts from paths
    data = load_digits_zsl()
    files = _write_digits(tmp_path / "digits", data.X_trainval[:120])
    torch.manual_seed(0)
    pipe = make_pipeline(
        ImageFeatureExtractor(RandomConvNet(), image_size=24, normalize=None, verbose=0,
                              device="cpu"),
        CLSWGANClassifier(data.class_attributes,
                          backbone=TFVAEGAN(hidden_dim=32, batch_size=32),
                          max_epochs=2, n_synthetic_per_class=10,
                          classifier_max_epochs=2, random_state=0, verbose=0, device="cpu"))
    pipe.fit(files, data.y_trainval[:120])
    assert pipe[-1].n_features_in_ == 16
    assert set(pipe.predict(files[:20])) <= set(data.class_attributes.index)
