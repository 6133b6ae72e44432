"""The codebook: YAML ⇄ validated code specifications ⇄ the project's codes.

Validation errors name the file and the line (``codebook.yaml:14: duplicate
hotkey 2 (also used by samenwerking)``). Loading an edited codebook updates codes
by name and never orphans codings: removing a code that has codings is refused
unless ``force=True``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from qualcode.errors import ConflictError, InputError, NotFoundError
from qualcode.model import Code
from qualcode.store.project import Project, Tx, new_guid, now

CODE_FIELDS = ("name", "hotkey", "colour", "definition", "include", "exclude", "example", "memo", "children")
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
    line: int | None = None


@dataclass
class CodebookSpec:
    codes: list[CodeSpec]  # parents before their children, in file order
    source: str = "<codebook>"
    language: str | None = None
    citation: str | None = None
    consensus_coder: str | None = None
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------- parsing
def load_file(path: str | Path) -> CodebookSpec:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such codebook file", path=path) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the codebook ({e})", path=path) from None
    return parse(text, source=str(path))


def parse(text: str, source: str = "<codebook>") -> CodebookSpec:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
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
    for key in ("language", "citation", "consensus_coder"):
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
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(f"{what} must be text", path=source, line=_line(node))
    return str(node.value).strip()


def _codes(node: yaml.Node, parent: str | None, spec: CodebookSpec, source: str) -> None:
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
        for key in ("definition", "include", "exclude", "example", "memo"):
            if key in fields:
                setattr(code, key, _scalar(fields[key], source, key))
        spec.codes.append(code)
        if "children" in fields:
            _codes(fields["children"], name, spec, source)


def _check_unique(spec: CodebookSpec, source: str) -> None:
    names: dict[str, CodeSpec] = {}
    hotkeys: dict[int, CodeSpec] = {}
    for code in spec.codes:
        if code.name in names:
            raise InputError(
                f"duplicate code name {code.name!r} (first at line {names[code.name].line})",
                path=source,
                line=code.line,
            )
        names[code.name] = code
        if code.hotkey is not None:
            if code.hotkey in hotkeys:
                raise InputError(
                    f"duplicate hotkey {code.hotkey} (also used by {hotkeys[code.hotkey].name})",
                    path=source,
                    line=code.line,
                )
            hotkeys[code.hotkey] = code


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
            "SELECT id, name, parent_id, definition, include, exclude, example, colour, hotkey, position, guid "
            "FROM codes ORDER BY position, id"
        )
    ]


def get_code(project: Project, name: str) -> Code:
    row = project.query_one(
        "SELECT id, name, parent_id, definition, include, exclude, example, colour, hotkey, position, guid "
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
                parent=by_id[c.parent_id].name if c.parent_id in by_id else None,
            )
            for c in _tree_order(codes)
        ],
        source=str(project.path),
        language=project.setting("language"),
        citation=project.setting("citation_template"),
        consensus_coder=project.setting("consensus_coder"),
    )


def tree_order(codes: list[Code]) -> list[Code]:
    """Codes with every child right under its parent (siblings in codebook order)."""
    return _tree_order(codes)


def _tree_order(codes: list[Code]) -> list[Code]:
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


def apply(project: Project, spec: CodebookSpec, coder: str, *, force: bool = False) -> dict:
    """Make the project's codes match ``spec`` in one transaction.

    Codes are matched by name: existing ones are updated in place (their codings
    stay), new ones are added, and codes missing from ``spec`` are removed —
    refused with :class:`ConflictError` when they have codings, unless ``force``.
    Returns ``{"added", "updated", "removed", "removed_codings"}``.
    """
    _check_unique(spec, spec.source)
    existing = {c.name: c for c in all_codes(project)}
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
    report = {"added": [], "updated": [], "removed": [c.name for c in gone], "removed_codings": sum(doomed.values())}
    with project.transaction("codebook.load", coder, f"load codebook {Path(spec.source).name}", kind="log") as tx:
        for c in gone:
            for row in tx.conn.execute("SELECT id FROM codings WHERE code_id = ?", (c.id,)).fetchall():
                tx.delete("codings", {"id": row[0]})
        for c in gone:
            for row in tx.conn.execute("SELECT id FROM memos WHERE code_id = ?", (c.id,)).fetchall():
                tx.delete("memos", {"id": row[0]})
        for c in gone:  # children first so no parent reference dangles
            for child in tx.conn.execute("SELECT id FROM codes WHERE parent_id = ?", (c.id,)).fetchall():
                tx.update("codes", {"id": child[0]}, {"parent_id": None})
        for c in gone:
            tx.delete("codes", {"id": c.id})
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
        tx.summary += f" (+{len(report['added'])} ~{len(report['updated'])} -{len(report['removed'])})"
    return report


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
    new = replace(spec.codes[idx], **changes)
    spec.codes[idx] = new
    if new.name != name:  # a rename keeps the code (and its codings): rename in place first
        if any(c.name == new.name for i, c in enumerate(spec.codes) if i != idx):
            raise ConflictError(f"a code named {new.name!r} exists already")
        for c in spec.codes:
            if c.parent == name:
                c.parent = new.name
        with project.transaction("codebook.rename", coder, f"rename code {name} → {new.name}", kind="log") as tx:
            tx.update("codes", {"id": get_code(project, name).id}, {"name": new.name})
    spec.source = "<edit>"
    return apply(project, spec, coder)


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
        return d

    return {"language": spec.language, "citation": spec.citation, "codes": [entry(c) for c in spec.codes]}


def to_yaml(project: Project) -> str:
    """The codebook as YAML in the same format :func:`load_file` reads."""
    spec = current_spec(project)

    def node(c: CodeSpec) -> dict:
        d: dict = {"name": c.name}
        if c.hotkey is not None:
            d["hotkey"] = c.hotkey
        d["colour"] = c.colour
        for key in ("definition", "include", "exclude", "example", "memo"):
            if getattr(c, key):
                d[key] = getattr(c, key)
        kids = [node(k) for k in spec.codes if k.parent == c.name]
        if kids:
            d["children"] = kids
        return d

    data = {
        "language": spec.language,
        "citation": spec.citation,
        "codes": [node(c) for c in spec.codes if c.parent is None],
    }
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
