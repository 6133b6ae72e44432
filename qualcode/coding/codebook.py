"""The codebook: YAML ⇄ validated code specifications ⇄ the project's codes.

Validation errors name the file and the line (``codebook.yaml:14: duplicate
hotkey 2 (also used by samenwerking)``). Loading an edited codebook updates codes
by name and never orphans codings: removing a code that has codings is refused
unless ``force=True``.

A theme (a code with children) may carry ``exclusive: true``: its subcodes are
mutually exclusive, so agreement reports a code × code confusion table and a
multi-valued alpha for it. The flag is kept in the project setting
``exclusive_themes`` (a JSON list of theme names).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.errors import ConflictError, InputError, NotFoundError
from qualcode.model import Code
from qualcode.store.project import Project, Tx, new_guid, now

if TYPE_CHECKING:
    import yaml

CODE_FIELDS = (
    "name",
    "title",
    "hotkey",
    "colour",
    "definition",
    "include",
    "exclude",
    "example",
    "memo",
    "exclusive",
    "children",
)
TOP_FIELDS = ("language", "citation", "consensus_coder", "codes", "title")
PALETTE = ("#1F77B4", "#D62728", "#2CA02C", "#9467BD", "#E377C2", "#8C564B", "#17BECF", "#BCBD22", "#FF7F0E")
HEX = re.compile(r"^#(?:[0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$")


@dataclass
class CodeSpec:
    name: str
    hotkey: int | None = None
    colour: str | None = None
    definition: str = ""
    include: str = ""
    exclude: str = ""
    example: str = ""
    memo: str | None = None
    parent: str | None = None
    title: str = ""  # display title in reports (default: the name, capitalised)
    line: int | None = None
    exclusive: bool = False  # a theme whose subcodes are mutually exclusive


@dataclass
class CodebookSpec:
    codes: list[CodeSpec]  # parents before their children, in file order
    source: str = "<codebook>"
    language: str | None = None
    citation: str | None = None
    consensus_coder: str | None = None
    title: str | None = None  # the project title reports show (never the file name)
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------- parsing
# A codebook is a few hundred codes: these limits are far above that and far below harm.
MAX_CODEBOOK_BYTES = 2 * 1024 * 1024
MAX_YAML_DEPTH = 64
MAX_YAML_ALIASES = 1_000
MAX_YAML_NODES = 200_000  # after expanding every alias


class _YamlLimit(Exception):
    def __init__(self, message: str, mark) -> None:
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else None


@functools.cache
def _limited_loader() -> type:
    """The loader class, made on first use (PyYAML is imported only when a codebook is read or written)."""
    import yaml

    class _LimitedLoader(yaml.SafeLoader):
        """PyYAML's safe composer with limits checked while the node graph is built.

        Refuses nesting deeper than :data:`MAX_YAML_DEPTH`, more than :data:`MAX_YAML_ALIASES`
        aliases, and an alias inside the node it names (a self-reference, which would make
        every later walk endless). The expanded size is checked after composing
        (:func:`_check_expanded_size`), before anything walks the graph.
        """

        def __init__(self, stream) -> None:
            super().__init__(stream)
            self._depth = 0
            self._aliases = 0
            self._open_anchors: list[str] = []

        def compose_node(self, parent, index):
            event = self.peek_event()
            if isinstance(event, yaml.AliasEvent):
                self._aliases += 1
                if self._aliases > MAX_YAML_ALIASES:
                    raise _YamlLimit(f"more than {MAX_YAML_ALIASES} aliases (*name)", event.start_mark)
                if event.anchor in self._open_anchors:
                    raise _YamlLimit(f"alias *{event.anchor} refers to a node that contains it", event.start_mark)
                return super().compose_node(parent, index)
            self._depth += 1
            if self._depth > MAX_YAML_DEPTH:
                raise _YamlLimit(f"nested deeper than {MAX_YAML_DEPTH} levels", event.start_mark)
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                self._open_anchors.append(anchor)
            try:
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
                if anchor is not None:
                    self._open_anchors.pop()

    return _LimitedLoader


def _check_expanded_size(root) -> None:
    """Refuse a node graph whose aliases expand to more than :data:`MAX_YAML_NODES` nodes (a YAML bomb)."""
    import yaml

    sizes: dict[int, int] = {}

    def size(node) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        if isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        if total > MAX_YAML_NODES:
            raise _YamlLimit(f"aliases expand to more than {MAX_YAML_NODES:,} values (a YAML bomb?)", node.start_mark)
        sizes[id(node)] = total
        return total

    size(root)


def load_file(path: str | Path) -> CodebookSpec:
    from qualcode.archives import read_regular_file

    path = Path(path)
    data = read_regular_file(path, limit=MAX_CODEBOOK_BYTES, what="codebook")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(
            f"cannot read the codebook: not UTF-8 (byte 0x{data[e.start]:02X} at offset {e.start})",
            path=path,
            line=data.count(b"\n", 0, e.start) + 1,
        ) from None
    return parse(text, source=str(path))


def parse(text: str, source: str = "<codebook>") -> CodebookSpec:
    import yaml

    try:
        root = yaml.compose(text, Loader=_limited_loader())
        if root is not None:
            _check_expanded_size(root)
    except _YamlLimit as e:
        raise InputError(f"refusing the codebook: {e}", path=source, line=e.line) from None
    except yaml.MarkedYAMLError as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        raise InputError(f"invalid YAML: {e.problem}", path=source, line=line) from None
    except yaml.YAMLError as e:
        raise InputError(f"invalid YAML: {e}", path=source) from None
    if root is None:
        raise InputError("the codebook is empty", path=source)
    if isinstance(root, yaml.SequenceNode):  # a bare list of codes
        top: dict = {"codes": root}
    elif isinstance(root, yaml.MappingNode):
        top = _mapping(root, TOP_FIELDS, source, "codebook")
    else:
        raise InputError("a codebook is a mapping with a `codes:` list", path=source, line=_line(root))
    if "codes" not in top:
        raise InputError("the codebook has no `codes:` list", path=source, line=_line(root))
    spec = CodebookSpec(codes=[], source=source)
    for key in ("language", "citation", "consensus_coder", "title"):
        if key in top:
            setattr(spec, key, _scalar(top[key], source, key))
    if spec.language not in (None, "nl", "en"):
        raise InputError(f"language must be nl or en, not {spec.language!r}", path=source, line=_line(top["language"]))
    if spec.citation is not None and ("{transcript}" not in spec.citation or "{ranges}" not in spec.citation):
        raise InputError("citation template needs {transcript} and {ranges}", path=source, line=_line(top["citation"]))
    _codes(top["codes"], None, spec, source)
    _check_unique(spec, source)
    return spec


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node, allowed: tuple[str, ...], source: str, what: str) -> dict[str, yaml.Node]:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        raise InputError(f"expected a mapping for {what}", path=source, line=_line(node))
    out: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key == "color":
            key = "colour"
        if key not in allowed:
            raise InputError(
                f"unknown field {key!r} in {what} (allowed: {', '.join(allowed)})", path=source, line=_line(key_node)
            )
        if key in out:
            raise InputError(f"field {key!r} given twice in {what}", path=source, line=_line(key_node))
        out[key] = value_node
    return out


def _scalar(node: yaml.Node, source: str, what: str) -> str:
    import yaml

    if not isinstance(node, yaml.ScalarNode):
        raise InputError(f"{what} must be text", path=source, line=_line(node))
    return str(node.value).strip()


def _codes(node: yaml.Node, parent: str | None, spec: CodebookSpec, source: str) -> None:
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        raise InputError("`codes:` (and `children:`) must be a list", path=source, line=_line(node))
    for item in node.value:
        fields = _mapping(item, CODE_FIELDS, source, "a code")
        if "name" not in fields or not _scalar(fields["name"], source, "name"):
            raise InputError("a code without a name", path=source, line=_line(item))
        name = _scalar(fields["name"], source, "name")
        if any(c in name for c in ",;()\n") or name.startswith("-"):
            raise InputError(
                f"code name {name!r} may not contain , ; ( ) or start with -", path=source, line=_line(fields["name"])
            )
        code = CodeSpec(name=name, parent=parent, line=_line(item))
        if "hotkey" in fields:
            raw = _scalar(fields["hotkey"], source, "hotkey")
            if raw not in ("", "null", "~"):
                if not raw.isdigit() or not 1 <= int(raw) <= 9:
                    raise InputError(
                        f"hotkey of {name!r} must be a digit 1-9, not {raw!r}",
                        path=source,
                        line=_line(fields["hotkey"]),
                    )
                code.hotkey = int(raw)
        if "colour" in fields:
            colour = _scalar(fields["colour"], source, "colour")
            if not HEX.match(colour):
                raise InputError(
                    f"colour of {name!r} must be #RRGGBB, not {colour!r}", path=source, line=_line(fields["colour"])
                )
            code.colour = normalise_colour(colour)
        for key in ("title", "definition", "include", "exclude", "example", "memo"):
            if key in fields:
                setattr(code, key, _scalar(fields[key], source, key))
        if "exclusive" in fields:
            flag = _scalar(fields["exclusive"], source, "exclusive").lower()
            if flag not in ("true", "false", "yes", "no"):
                raise InputError(
                    f"exclusive of {name!r} must be true or false, not {flag!r}",
                    path=source,
                    line=_line(fields["exclusive"]),
                )
            code.exclusive = flag in ("true", "yes")
        spec.codes.append(code)
        if "children" in fields:
            _codes(fields["children"], name, spec, source)


_UNIQUE: tuple[tuple[Callable[[CodeSpec], object], Callable[[CodeSpec, CodeSpec], str]], ...] = (
    (lambda code: code.name, lambda code, first: f"duplicate code name {code.name!r} (first at line {first.line})"),
    (lambda code: code.hotkey, lambda code, first: f"duplicate hotkey {code.hotkey} (also used by {first.name})"),
)


def _check_unique(spec: CodebookSpec, source: str) -> None:
    """No two codes share a name or a hotkey (a code without a hotkey shares none)."""
    seen: list[dict[object, CodeSpec]] = [{} for _ in _UNIQUE]
    for code in spec.codes:
        for (key_of, message), firsts in zip(_UNIQUE, seen):
            key = key_of(code)
            if key is None:
                continue
            if key in firsts:
                raise InputError(message(code, firsts[key]), path=source, line=code.line)
            firsts[key] = code


def normalise_colour(colour: str) -> str:
    colour = colour.upper()
    if len(colour) == 4:
        colour = "#" + "".join(c * 2 for c in colour[1:])
    return colour


# ---------------------------------------------------------------- the project
def all_codes(project: Project) -> list[Code]:
    """Codes in codebook order (position)."""
    return [
        Code(**r)
        for r in project.query(
            "SELECT id, name, parent_id, definition, include, exclude, example, colour, hotkey, position, guid, title "
            "FROM codes ORDER BY position, id"
        )
    ]


def get_code(project: Project, name: str) -> Code:
    row = project.query_one(
        "SELECT id, name, parent_id, definition, include, exclude, example, colour, hotkey, position, guid, title "
        "FROM codes WHERE name = ?",
        (name,),
    )
    if row is None:
        from qualcode.corpus.transcripts import suggest

        names = [c.name for c in all_codes(project)]
        raise NotFoundError(f"unknown code {name!r}{suggest(name, names)}")
    return Code(**row)


def code_memos(project: Project) -> dict[int, str]:
    """Theme summaries: code id → memo text."""
    return {r["code_id"]: r["text"] for r in project.query("SELECT code_id, text FROM memos WHERE scope = 'code'")}


def coding_counts(project: Project, coder: str | None = None) -> dict[int, int]:
    sql = "SELECT code_id, count(*) AS n FROM codings"
    params: tuple = ()
    if coder is not None:
        sql += " WHERE coder = ?"
        params = (coder,)
    return {r["code_id"]: r["n"] for r in project.query(sql + " GROUP BY code_id", params)}


def current_spec(project: Project) -> CodebookSpec:
    """The project's codebook as a spec (edit it and pass it to :func:`apply` to change codes)."""
    codes = all_codes(project)
    by_id = {c.id: c for c in codes}
    memos = code_memos(project)
    exclusive = set(_exclusive_names(project))
    return CodebookSpec(
        codes=[
            CodeSpec(
                name=c.name,
                hotkey=c.hotkey,
                colour=c.colour,
                definition=c.definition,
                include=c.include,
                exclude=c.exclude,
                example=c.example,
                memo=memos.get(c.id),
                title=c.title,
                parent=by_id[c.parent_id].name if c.parent_id in by_id else None,
                exclusive=c.name in exclusive,
            )
            for c in tree_order(codes)
        ],
        source=str(project.path),
        language=project.setting("language"),
        citation=project.setting("citation_template"),
        consensus_coder=project.setting("consensus_coder"),
        title=project.setting("title"),
    )


def tree_order(codes: list[Code]) -> list[Code]:
    """Codes with every child right under its parent (siblings in codebook order)."""
    children: dict[int | None, list[Code]] = {}
    for c in codes:
        children.setdefault(c.parent_id, []).append(c)
    out: list[Code] = []

    def walk(parent: int | None) -> None:
        for c in children.get(parent, []):
            out.append(c)
            walk(c.id)

    walk(None)
    seen = {c.id for c in out}
    out.extend(c for c in codes if c.id not in seen)
    return out


def apply(
    project: Project,
    spec: CodebookSpec,
    coder: str,
    *,
    force: bool = False,
    rename: tuple[str, str] | None = None,
    summary: str | None = None,
) -> dict:
    """Make the project's codes match ``spec`` in one transaction.

    Codes are matched by name: existing ones are updated in place (their codings
    stay), new ones are added, and codes missing from ``spec`` are removed —
    refused with :class:`ConflictError` when they have codings, unless ``force``.
    Returns ``{"added", "updated", "removed", "removed_codings"}``.
    ``rename=(old, new)`` renames a code in the same transaction (its codings stay).
    Everything is validated before anything is written.
    """
    _check_unique(spec, spec.source)
    existing = {c.name: c for c in all_codes(project)}
    if rename is not None:
        existing[rename[1]] = existing.pop(rename[0])
    wanted = {c.name for c in spec.codes}
    for code in spec.codes:
        if code.parent is not None and code.parent not in wanted:
            raise InputError(f"code {code.name!r} has unknown parent {code.parent!r}", path=spec.source, line=code.line)
    gone = [c for name, c in existing.items() if name not in wanted]
    counts = coding_counts(project)
    doomed = {c.name: counts.get(c.id, 0) for c in gone if counts.get(c.id, 0)}
    if doomed and not force:
        detail = ", ".join(f"{name} ({n} codings)" for name, n in doomed.items())
        raise ConflictError(
            f"the new codebook drops codes that have codings: {detail}; use --force to delete them with their codings"
        )
    report: dict[str, Any] = {
        "added": [],
        "updated": [],
        "removed": [c.name for c in gone],
        "removed_codings": sum(doomed.values()),
    }
    summary = summary or f"load codebook {Path(spec.source).name}"
    with project.transaction("codebook.load", coder, summary, kind="log") as tx:
        if rename is not None:
            tx.update("codes", {"id": existing[rename[1]].id}, {"name": rename[1]})
        for g in gone:
            for row in tx.conn.execute("SELECT id FROM codings WHERE code_id = ?", (g.id,)).fetchall():
                tx.delete("codings", {"id": row[0]})
        for g in gone:
            for row in tx.conn.execute("SELECT id FROM memos WHERE code_id = ?", (g.id,)).fetchall():
                tx.delete("memos", {"id": row[0]})
        for g in gone:  # children first so no parent reference dangles
            for child in tx.conn.execute("SELECT id FROM codes WHERE parent_id = ?", (g.id,)).fetchall():
                tx.update("codes", {"id": child[0]}, {"parent_id": None})
        for g in gone:
            tx.delete("codes", {"id": g.id})
        for c in spec.codes:  # free hotkeys first so swaps do not collide
            old = existing.get(c.name)
            if old is not None and old.hotkey is not None and old.hotkey != c.hotkey:
                tx.update("codes", {"id": old.id}, {"hotkey": None})
        ids: dict[str, int] = {}
        used_colours = {c.colour for c in spec.codes if c.colour}
        palette = [p for p in PALETTE if p not in used_colours] or list(PALETTE)
        for position, c in enumerate(spec.codes):
            old = existing.get(c.name)
            colour = c.colour or (old.colour if old else palette[position % len(palette)])
            values = {
                "definition": c.definition,
                "include": c.include,
                "exclude": c.exclude,
                "example": c.example,
                "title": c.title,
                "colour": colour,
                "hotkey": c.hotkey,
                "position": position,
            }
            if old is None:
                ids[c.name] = tx.insert("codes", {"name": c.name, "guid": new_guid(), "parent_id": None, **values})
                report["added"].append(c.name)
            else:
                ids[c.name] = old.id
                before = len(tx.changes)
                tx.update("codes", {"id": old.id}, values)
                if len(tx.changes) > before:
                    report["updated"].append(c.name)
        for c in spec.codes:
            parent_id = ids[c.parent] if c.parent else None
            old = existing.get(c.name)
            if old is None or old.parent_id != parent_id:
                tx.update("codes", {"id": ids[c.name]}, {"parent_id": parent_id})
                if old is not None and c.name not in report["updated"]:
                    report["updated"].append(c.name)
            if c.memo is not None:
                set_code_memo(tx, ids[c.name], c.memo, coder)
        if spec.language:
            project.set_setting(tx, "language", spec.language)
        if spec.citation:
            project.set_setting(tx, "citation_template", spec.citation)
        if spec.consensus_coder:
            project.set_setting(tx, "consensus_coder", spec.consensus_coder)
        flagged = [c.name for c in spec.codes if c.exclusive]
        if flagged or project.setting("exclusive_themes"):
            project.set_setting(tx, "exclusive_themes", json.dumps(flagged, ensure_ascii=False))
        if spec.title:
            project.set_setting(tx, "title", spec.title)
        tx.summary += f" (+{len(report['added'])} ~{len(report['updated'])} -{len(report['removed'])})"
    return report


def _exclusive_names(project: Project) -> list[str]:
    raw = project.setting("exclusive_themes")
    try:
        names = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def exclusive_themes(project: Project) -> dict[str, list[str]]:
    """Themes marked ``exclusive: true`` → their subcodes in codebook order (themes with 2+ subcodes)."""
    codes = all_codes(project)
    by_name = {c.name: c for c in codes}
    out: dict[str, list[str]] = {}
    for name in _exclusive_names(project):
        theme = by_name.get(name)
        if theme is None:
            continue
        kids = [c.name for c in codes if c.parent_id == theme.id]
        if len(kids) >= 2:
            out[name] = kids
    return out


def set_code_memo(tx: Tx, code_id: int, text: str, coder: str) -> None:
    row = tx.conn.execute("SELECT id, text FROM memos WHERE scope = 'code' AND code_id = ?", (code_id,)).fetchone()
    if row is None:
        if text:
            tx.insert(
                "memos",
                {
                    "scope": "code",
                    "code_id": code_id,
                    "transcript_id": None,
                    "coder": coder,
                    "text": text,
                    "updated_at": now(),
                    "guid": new_guid(),
                },
            )
    elif row[1] != text:
        tx.update("memos", {"id": row[0]}, {"text": text, "coder": coder, "updated_at": now()})


def load(project: Project, path: str | Path, coder: str, *, force: bool = False) -> dict:
    """``qualcode codebook load FILE``: parse, validate and apply."""
    return apply(project, load_file(path), coder, force=force)


def edit_code(project: Project, code_name: str, coder: str, **changes) -> dict:
    """Change one code's fields (``name=``, ``hotkey=``, ``parent=``…) through :func:`apply`."""
    name = code_name
    spec = current_spec(project)
    idx = next((i for i, c in enumerate(spec.codes) if c.name == name), None)
    if idx is None:
        get_code(project, name)  # raises with a suggestion
    assert idx is not None  # get_code raised when there is no such code
    new = replace(spec.codes[idx], **changes)
    _check_edit(spec, idx, new)  # before anything is written, naming the code that is in the way
    spec.codes[idx] = new
    rename = None
    if new.name != name:  # a rename keeps the code (and its codings): in the same transaction as the rest
        rename = (name, new.name)
        for c in spec.codes:
            if c.parent == name:
                c.parent = new.name
    spec.source = "<edit>"
    summary = f"rename code {name} → {new.name}" if rename else f"edit code {name}"
    return apply(project, spec, coder, rename=rename, summary=summary)


def _check_edit(spec: CodebookSpec, idx: int, new: CodeSpec) -> None:
    """Refuse an edit of ``spec.codes[idx]`` that would clash, naming the other code."""
    others = [c for i, c in enumerate(spec.codes) if i != idx]
    if any(c.name == new.name for c in others):
        raise ConflictError(f"a code named {new.name!r} exists already; {spec.codes[idx].name!r} was not changed")
    holder = next((c for c in others if new.hotkey is not None and c.hotkey == new.hotkey), None)
    if holder is not None:
        raise ConflictError(f"hotkey {new.hotkey} is used by {holder.name!r}; {spec.codes[idx].name!r} was not changed")
    if new.parent is not None:
        old_name = spec.codes[idx].name
        if new.parent in (new.name, old_name):
            raise InputError(f"code {new.name!r} cannot be its own parent")
        if not any(c.name == new.parent for c in others):
            raise NotFoundError(f"no code {new.parent!r} to be the parent of {new.name!r}")


def add_code(project: Project, spec_code: CodeSpec, coder: str) -> dict:
    spec = current_spec(project)
    spec.codes.append(spec_code)
    spec.source = "<edit>"
    return apply(project, spec, coder)


def to_dict(project: Project) -> dict:
    """The codebook as plain data (``codebook show --json``; YAML dump)."""
    spec = current_spec(project)
    counts = coding_counts(project)
    ids = {c.name: c.id for c in all_codes(project)}

    def entry(c: CodeSpec) -> dict:
        d = {
            "name": c.name,
            "title": c.title,
            "hotkey": c.hotkey,
            "colour": c.colour,
            "definition": c.definition,
            "include": c.include,
            "exclude": c.exclude,
            "example": c.example,
            "parent": c.parent,
            "codings": counts.get(ids[c.name], 0),
        }
        if c.memo:
            d["memo"] = c.memo
        if c.exclusive:
            d["exclusive"] = True
        return d

    return {"language": spec.language, "citation": spec.citation, "codes": [entry(c) for c in spec.codes]}


def to_yaml(project: Project) -> str:
    """The codebook as YAML in the same format :func:`load_file` reads."""
    spec = current_spec(project)

    def node(c: CodeSpec) -> dict:
        d: dict = {"name": c.name}
        if c.title:
            d["title"] = c.title
        if c.hotkey is not None:
            d["hotkey"] = c.hotkey
        d["colour"] = c.colour
        for key in ("definition", "include", "exclude", "example", "memo"):
            if getattr(c, key):
                d[key] = getattr(c, key)
        if c.exclusive:
            d["exclusive"] = True
        kids = [node(k) for k in spec.codes if k.parent == c.name]
        if kids:
            d["children"] = kids
        return d

    data = {
        **({"title": spec.title} if spec.title else {}),
        "language": spec.language,
        "citation": spec.citation,
        "codes": [node(c) for c in spec.codes if c.parent is None],
    }
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
