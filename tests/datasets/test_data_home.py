import os

from skzsl.datasets import get_data_home


def test_argument_wins_over_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SKZSL_DATA", "/from/env")
    assert get_data_home(tmp_path) == str(tmp_path)


def test_environment_then_default(monkeypatch):
    monkeypatch.setenv("SKZSL_DATA", "/from/env")
    assert get_data_home() == "/from/env"
    monkeypatch.delenv("SKZSL_DATA")
    assert get_data_home() == os.path.join(os.path.expanduser("~"), "skzsl_data")


def test_tilde_is_expanded_and_nothing_is_created(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert get_data_home("~/zsl") == str(tmp_path / "zsl")
    assert not (tmp_path / "zsl").exists()
