"""Starting the window parses only the program's own options; anything else goes through the
whole parser, so a command, ``--help`` or a mistake is handled as before."""

from __future__ import annotations

import pytest

from chargeclock import cli


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["--smoke-test"],
        ["--demo"],
        ["--db", "clinic.sqlite3"],
        ["--db=clinic.sqlite3", "--smoke-test"],
        ["--smoke-test", "--db", "a b.sqlite3", "--demo"],
        ["--db", "first.sqlite3", "--db=second.sqlite3"],
        ["--db="],
        ["--db", "--demo"],  # a file named like an option: argparse refuses it, so must we
    ],
)
def test_window_options_parse_as_the_whole_parser_does(arguments: list[str]) -> None:
    whole, _ = cli.build_parser()
    try:
        expected = vars(whole.parse_args(arguments))
    except SystemExit:
        assert not cli.opens_the_window(arguments)
        return
    assert cli.opens_the_window(arguments)
    assert vars(cli.window_options(arguments)) == expected


@pytest.mark.parametrize(
    "arguments",
    [
        ["calc"],
        ["--db", "x.sqlite3", "backup"],
        ["--help"],
        ["-h"],
        ["--smoke"],  # an abbreviation: the whole parser decides
        ["--db"],  # a missing value: the whole parser says so
        ["bogus"],
    ],
)
def test_anything_else_takes_the_whole_parser(arguments: list[str]) -> None:
    assert not cli.opens_the_window(arguments)


def test_help_still_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("calc", "backup", "superbill", "demo-db"):
        assert command in out


def test_an_unknown_word_is_a_one_line_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["bogus"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("chargeclock:") and "bogus" in err and "\n" not in err
