import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.model_selection import ParameterGrid

import skzsl
from skzsl import _benchmark, cli
from skzsl.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_on_embedded_digits(tmp_path, capsys):
    out = tmp_path / "rows.json"
    assert main(["benchmark", "--dataset", "digits", "--methods", "eszsl", "--quiet",
                 "--output", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Dataset: digits" in text and "validation classes only" in text
    assert "| eszsl |" in text
    rows = json.loads(out.read_text())
    assert rows[0]["method"] == "eszsl" and 0 <= rows[0]["H"] <= 1


def test_default_dataset_is_moving_digits_with_progress(capsys):
    assert main(["benchmark", "--methods", "eszsl,sae"]) == 0
    captured = capsys.readouterr()
    assert "Dataset: moving-digits" in captured.out and "CPU-budget settings" in captured.out
    assert "| eszsl |" in captured.out and "| sae |" in captured.out
    # one progress line per method and stage, on stderr
    for stage in ("choosing hyperparameters and seen_bias on validation classes: 49 setting",
                  "refitting on all training classes", "scoring on the test splits", "done in"):
        assert f"[1/2 eszsl] {stage}" in captured.err
    assert "[2/2 sae] done in" in captured.err


def test_quiet_prints_no_progress(capsys):
    assert main(["benchmark", "--methods", "eszsl", "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_default_methods_cover_every_family():
    args = build_parser().parse_args(["benchmark"])
    assert args.methods.split(",") == ["eszsl", "sae", "sddn", "msdn"]
    assert args.dataset == "moving-digits" and not args.full
    # the command's copies (kept to avoid importing scikit-learn for --help) agree
    assert set(cli.METHOD_NAMES) == set(_benchmark.METHODS) == set(_benchmark.QUICK)
    assert cli.DEFAULT_METHODS == _benchmark.DEFAULT_METHODS


def test_quick_settings_are_smaller_than_full():
    # "smaller": no setting costs more, and for a neural method the search trains for
    # strictly fewer epochs in all (epoch budgets times settings searched); the
    # closed-form methods run as at full size
    for method in _benchmark.METHODS:
        _, quick, quick_grid = _benchmark.method_settings(method)
        _, full, full_grid = _benchmark.method_settings(method, full=True)
        epochs = [key for key in full if key.endswith("max_epochs")]
        assert epochs == [key for key in quick if key.endswith("max_epochs")], method
        assert all(quick[key] <= full[key] for key in epochs), method
        n_quick, n_full = len(ParameterGrid(quick_grid)), len(ParameterGrid(full_grid))
        assert n_quick <= n_full, method
        if method in _benchmark.NEURAL_METHODS:
            assert epochs, method
            assert (n_quick * sum(quick[key] for key in epochs)
                    < n_full * sum(full[key] for key in epochs)), method
        else:
            assert (quick, quick_grid) == (full, full_grid), method
    # the generative methods train fewer epochs in both stages
    for method in ("clswgan", "sddn", "semantic_kd"):
        _, quick, _ = _benchmark.method_settings(method)
        _, full, _ = _benchmark.method_settings(method, full=True)
        assert quick["max_epochs"] < full["max_epochs"]
        assert quick["classifier_max_epochs"] < full["classifier_max_epochs"]


def test_grid_override_and_csv(tmp_path):
    out = tmp_path / "rows.csv"
    assert main(["benchmark", "--methods", "eszsl", "--quiet", "--grid",
                 "feature_reg=1,10;semantic_reg=1", "--output", str(out)]) == 0
    assert "feature_reg" in out.read_text()


def test_unknown_method_is_refused(capsys):
    assert main(["benchmark", "--methods", "nope"]) == 2
    assert "skzsl: error: unknown method" in capsys.readouterr().err


def test_missing_data_reports_the_file(tmp_path, capsys):
    assert main(["benchmark", "--dataset", "CUB", "--data-home", str(tmp_path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "CUB" in err and "data_home" in err


def _run(*args, code=None):
    command = [sys.executable, *(["-c", code] if code else ["-m", "skzsl", *args])]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT)


def test_python_dash_m_version_is_the_package_version():
    done = _run("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"skzsl {skzsl.__version__}"


def test_docs_use_the_package_version():
    conf = (ROOT / "docs" / "conf.py").read_text()
    assert re.search(r"^release = version = skzsl\.__version__$", conf, re.M)
    assert not re.search(r"^version = .*split", conf, re.M)


def test_missing_subcommand_is_an_error():
    done = _run()
    assert done.returncode != 0
    assert "required" in done.stderr and "command" in done.stderr


def test_import_and_help_do_not_import_torch():
    code = ("import sys, contextlib, io\n"
            "import skzsl.cli\n"
            "assert 'torch' not in sys.modules, 'import skzsl.cli imported torch'\n"
            "for argv in (['--help'], ['benchmark', '--help'], ['extract', '--help']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()), "
            "contextlib.suppress(SystemExit):\n"
            "        skzsl.cli.main(argv)\n"
            "heavy = [m for m in ('torch', 'skorch', 'sklearn', 'pandas') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    done = _run(code=code)
    assert done.returncode == 0, done.stderr


def test_lazy_package_attributes():
    code = ("import sys, skzsl\n"
            "assert 'torch' not in sys.modules\n"
            "assert skzsl.MSDNClassifier.__name__ == 'MSDNClassifier'\n"
            "assert 'torch' in sys.modules\n"
            "assert set(skzsl.__all__) <= set(dir(skzsl))\n"
            "try:\n    skzsl.nope\nexcept AttributeError as e:\n    assert 'nope' in str(e)\n"
            "else:\n    raise SystemExit('no AttributeError')\n")
    done = _run(code=code)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("command", ["benchmark", "extract"])
def test_help_is_plain_text_and_states_every_default(command):
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices[command]
    for p in (parser, sub):
        text = p.format_help()
        assert "``" not in text and ":ref:" not in text and ":func:" not in text
    for action in sub._actions:
        if action.dest == "help":
            continue
        assert action.help, action.dest
        assert ("(required)" if action.required else "(default: ") in action.help, action.dest
    assert all(a.help for a in parser._actions)


def test_region_method_gets_region_features(capsys):
    # MSDN needs (n, regions, features): the command loads the moving digits' regions
    assert main(["benchmark", "--methods", "msdn", "--quiet",
                 "--grid", "max_epochs=1;lr=0.01"]) == 0
    assert "| msdn |" in capsys.readouterr().out


def test_generative_method_runs(capsys):
    assert main(["benchmark", "--methods", "sddn", "--quiet",
                 "--grid", "max_epochs=1;classifier_max_epochs=1"]) == 0
    assert "| sddn |" in capsys.readouterr().out


def test_threads_limit_is_applied_and_restored(capsys):
    import torch
    from threadpoolctl import threadpool_info

    before = torch.get_num_threads()
    seen = {}
    original = cli._run_methods

    def spy(*args, **kwargs):
        seen["torch"] = torch.get_num_threads()
        seen["blas"] = {pool["num_threads"] for pool in threadpool_info()}
        return original(*args, **kwargs)

    cli._run_methods = spy
    try:
        assert main(["benchmark", "--methods", "msdn", "--quiet", "--threads", "1",
                     "--grid", "max_epochs=1"]) == 0
    finally:
        cli._run_methods = original
    assert seen["torch"] == 1 and seen["blas"] <= {1}
    assert torch.get_num_threads() == before
    assert "| msdn |" in capsys.readouterr().out


def test_threads_must_be_positive(capsys):
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["benchmark", "--threads", "0"])
    assert exc.value.code == 2
    assert "positive integer" in capsys.readouterr().err
