"""Tiny backbones that keep the feature-extraction tests fast."""

from torch import nn


class TinyBackbone(nn.Module):
    """A two-layer CNN shaped like a torchvision classifier (trunk, ``avgpool``, head).

    ``ImageFeatureExtractor`` cuts it at ``avgpool``, as it cuts a ResNet: an
    ``image_size`` of 8 gives a ``(channels, 2, 2)`` map.
    """

    def __init__(self, channels=6):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(8, channels, 3, stride=2, padding=1)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(channels, 3)

    def forward(self, x):
        x = self.conv2(self.relu(self.conv1(x)))
        return self.fc(self.avgpool(x).flatten(1))
