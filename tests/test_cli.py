import json
import subprocess
import sys

import pytest

from skzsl.cli import main


def test_benchmark_on_embedded_digits(tmp_path, capsys):
    out = tmp_path / "rows.json"
    assert main(["benchmark", "--methods", "eszsl", "--quiet", "--output", str(out)]) == 0
    text = capsys.readouterr().out
    assert "validation classes only" in text and "| eszsl |" in text
    rows = json.loads(out.read_text())
    assert rows[0]["method"] == "eszsl" and 0 <= rows[0]["H"] <= 1


def test_grid_override_and_csv(tmp_path):
    out = tmp_path / "rows.csv"
    assert main(["benchmark", "--methods", "eszsl", "--quiet", "--grid",
                 "feature_reg=1,10;semantic_reg=1", "--output", str(out)]) == 0
    assert "feature_reg" in out.read_text()


def test_unknown_method_is_refused():
    with pytest.raises(SystemExit, match="unknown method"):
        main(["benchmark", "--methods", "nope"])


def test_missing_data_reports_the_file(tmp_path, capsys):
    assert main(["benchmark", "--dataset", "CUB", "--data-home", str(tmp_path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "CUB" in err and "data_home" in err

def test_python_dash_m():
    done = subprocess.run([sys.executable, "-m", "skzsl", "--version"], capture_output=True,
                          text=True, check=True)
    assert done.stdout.startswith("skzsl ")


def test_region_method_gets_region_features(capsys):
    # MSDN needs (n, regions, features): the command loads the digits as 3x3 patches
    assert main(["benchmark", "--methods", "msdn", "--quiet",
                 "--grid", "max_epochs=1;lr=0.01"]) == 0
    assert "| msdn |" in capsys.readouterr().out
