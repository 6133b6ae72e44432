"""The user's workbench settings: ``~/.config/qualcode/config.toml`` (platformdirs decides the folder).

Example::

    theme = "gruvbox"          # one of Textual's built-in themes
    coder = "anna"             # used when neither --coder nor QUALCODE_CODER is given
    wrap = true                # wrap long transcript lines (false: crop and scroll sideways)

    [keymap]                   # binding id = key(s), as posting does; ids are listed in F1 help
    "coding.undo" = "z"
    "coding.code_1" = "1,f9"

Reading never fails: every entry that cannot be used becomes one line in :attr:`Config.problems`
(naming the entry) and its default stays. ``QUALCODE_CONFIG`` points at another file (tests).
This module does not import Textual; the app checks theme names and binding ids against what it knows.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

KNOWN = ("theme", "coder", "wrap", "keymap")
_KEY = re.compile(r"^[a-z0-9_+\-]+$|^.$", re.IGNORECASE)


@dataclass
class Config:
    """Settings read from the config file; ``None`` means "the default"."""

    path: Path | None = None
    theme: str | None = None
    coder: str | None = None
    wrap: bool = True
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def config_path() -> Path:
    override = os.environ.get("QUALCODE_CONFIG")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path("qualcode") / "config.toml"


def valid_keys(value: str) -> bool:
    """``"z"``, ``"ctrl+z"``, ``"1,f9"``: comma-separated key names."""
    parts = [p.strip() for p in value.split(",")]
    return bool(parts) and all(p and _KEY.match(p) for p in parts)


def load(path: Path | None = None) -> Config:
    """Read the config file (a missing file is the defaults, without a problem)."""
    path = path or config_path()
    config = Config(path=path)
    if not path.is_file():
        return config
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        config.problems.append(f"{path}: not read ({e}); using the defaults")
        return config
    for key in data:
        if key not in KNOWN:
            config.problems.append(f"{path}: unknown setting {key!r} (known: {', '.join(KNOWN)})")
    _read_scalars(config, data, path)
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        config.problems.append(f'{path}: [keymap] must be a table of binding id = "keys"')
        return config
    for binding_id, keys in keymap.items():
        if not isinstance(keys, str) or not valid_keys(keys):
            config.problems.append(f'{path}: keymap {binding_id!r} = {keys!r} is not a key (e.g. "z", "ctrl+z")')
            continue
        config.keymap[binding_id] = keys.replace(" ", "")
    return config


def _read_scalars(config: Config, data: dict, path: Path) -> None:
    theme, coder, wrap = data.get("theme"), data.get("coder"), data.get("wrap", True)
    if theme is not None:
        if isinstance(theme, str) and theme.strip():
            config.theme = theme.strip()
        else:
            config.problems.append(f"{path}: theme {theme!r} must be a theme name")
    if coder is not None:
        if isinstance(coder, str) and coder.strip():
            config.coder = coder.strip()
        else:
            config.problems.append(f"{path}: coder {coder!r} must be a name")
    if isinstance(wrap, bool):
        config.wrap = wrap
    else:
        config.problems.append(f"{path}: wrap {wrap!r} must be true or false")


def check_against(config: Config, themes: set[str], binding_ids: set[str]) -> list[str]:
    """Drop a theme and keymap entries the app does not know; returns one line per dropped entry."""
    out = []
    where = config.path or "config"
    if config.theme is not None and config.theme not in themes:
        out.append(f"{where}: theme {config.theme!r} is not a Textual theme (e.g. {', '.join(sorted(themes)[:4])})")
        config.theme = None
    for binding_id in list(config.keymap):
        if binding_id not in binding_ids:
            out.append(f"{where}: keymap {binding_id!r} is not a binding id (F1 lists them)")
            del config.keymap[binding_id]
    return out
