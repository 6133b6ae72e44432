"""Every command and option has help text (the habit from sqlite-utils' test_docs.py)."""

import click
import pytest

from qualcode.cli import cli, load_commands
from qualcode.cli.base import COMMAND_MODULES

load_commands()  # the group loads its command modules on first use; here we want every command


def all_commands(group: click.Group, prefix=()):
    for name, command in sorted(group.commands.items()):
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))


COMMANDS = list(all_commands(cli))


def test_the_commands_the_issues_name_exist():
    names = {" ".join(path) for path, _ in COMMANDS}
    for required in [
        "init",
        "import",
        "transcripts",
        "codebook load",
        "codebook show",
        "code",
        "uncode",
        "done",
        "codings",
        "undo",
        "redo",
        "tui",
        "demo",
        "agreement",
        "export docx",
        "export quotes",
        "export transcript",
        "export agreement",
        "export qdc",
        "export qdpx",
        "search",
        "autocode",
        "suggest",
        "merge",
        "audit",
        "backups",
        "restore",
        "check",
        "log",
    ]:
        assert required in names


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_has_help(path, command):
    assert (command.help or "").strip(), f"qualcode {' '.join(path)} has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert (param.help or "").strip(), f"qualcode {' '.join(path)} {param.opts[0]} has no help"


def _modules(command: click.Command) -> set[str]:
    found = {command.callback.__module__.rsplit(".", 1)[1]} if command.callback else set()
    for sub in getattr(command, "commands", {}).values():
        found |= _modules(sub)
    return found


def test_the_lazy_command_table_names_every_command_and_its_modules():
    """``COMMAND_MODULES`` is how ``qualcode code`` finds its command without importing the rest: a command
    missing from it, or a module left out of its entry, would make the command (or a subcommand) vanish."""
    assert set(COMMAND_MODULES) == set(cli.commands)
    for name, command in cli.commands.items():
        assert set(COMMAND_MODULES[name]) == _modules(command), name


def test_a_command_loads_only_its_own_module(tmp_path):
    """A fresh process asked for `code --help` imports the core commands, not export, agreement or the workbench."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from qualcode.cli import main\n"
        "try:\n"
        "    main(['code', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('qualcode.cli.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    loaded = eval(out.stdout.strip().splitlines()[-1])
    assert "qualcode.cli.core" in loaded
    for other in ("qualcode.cli.export", "qualcode.cli.agreement", "qualcode.cli.tui", "qualcode.cli.analysis"):
        assert other not in loaded


def test_json_listings_encode_as_the_standard_library_reads_them(capsys):
    """Listings go through orjson: the same values as ``json`` (unicode as is, control characters escaped,
    int keys as strings, big ints and numpy numbers too), one element per line."""
    import json

    import numpy as np

    from qualcode.cli.output import emit_json

    items = [
        {"text": "café \x07 [lacht]\n\u202e", "n": 3, "x": 0.1, "none": None, "list": [1, (2, 3)]},
        {1: "int key", "np": np.float64(0.25), "npi": np.int64(7)},
        {"big": 2**70},
    ]
    emit_json(iter(items))
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 5  # "[", three elements, "]"
    back = json.loads(out)
    assert back[0] == {"text": "café \x07 [lacht]\n\u202e", "n": 3, "x": 0.1, "none": None, "list": [1, [2, 3]]}
    assert back[1] == {"1": "int key", "np": 0.25, "npi": 7}
    assert back[2] == {"big": 2**70}
    assert "\x07" not in out and "\\u0007" in out


def test_json_listings_go_out_in_blocks_not_an_element_at_a_time(monkeypatch):
    """Under PYTHONUNBUFFERED (containers set it) each write is a system call: 100,000 quotes were 200,000 writes."""
    import io
    import json
    import sys

    from qualcode.cli.output import emit_json

    class Counting(io.BytesIO):
        writes = 0

        def write(self, b):
            Counting.writes += 1
            return super().write(b)

    raw = Counting()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw, encoding="utf-8"))
    items = [{"id": i, "text": "Ja, dat klopt. " * 5} for i in range(20_000)]
    emit_json(iter(items))
    sys.stdout.flush()
    assert json.loads(raw.getvalue()) == items
    assert Counting.writes < 50  # about 2 MB in blocks of 64 KB
