"""Re-import review: the dry run of ``qualcode reimport`` as a list, applied with ``a`` or dropped with Esc.

The Transcripts screen asks for the corrected file (R), computes the plan with
:func:`qualcode.coding.reimport.plan` (nothing written), and shows this dialog. It returns
True when the user applies; the caller then calls :func:`qualcode.coding.reimport.apply`.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

STATUS_LABELS = {"unchanged": "unchanged", "moved": "moved", "changed": "REVIEW: text changed", "lost": "LOST"}


def review_lines(result) -> list[str]:
    """One plain-text line per coding that does not stay where it was, most urgent first."""
    order = {"lost": 0, "changed": 1, "moved": 2, "unchanged": 3}
    lines = []
    for c in sorted(result.codings, key=lambda c: order[c.status]):
        if c.status == "unchanged":
            continue
        where = f"{c.old_citation} → {c.new_citation}" if c.new_citation else f"{c.old_citation} (text gone)"
        lines.append(f"{STATUS_LABELS[c.status]:<22} {c.code} ({c.coder}) {where}")
    return lines


class ReimportReviewScreen(ModalScreen[bool]):
    """What a re-import would do to every coding; ``a`` applies, Esc cancels."""

    BINDINGS = [
        Binding("a", "apply", "Apply re-import", id="reimport.apply"),
        Binding("escape", "cancel", "Cancel", id="reimport.cancel"),
    ]

    def __init__(self, result, *, id: str | None = "reimport-review") -> None:
        super().__init__(id=id)
        self.result = result

    def compose(self) -> ComposeResult:
        r = self.result
        counts = r.counts()
        title = (
            f"Re-import {r.transcript} from {r.source}: {r.old_lines} → {r.new_lines} lines · codings: "
            f"{counts['unchanged']} unchanged, {counts['moved']} moved, {counts['changed']} to review, "
            f"{counts['lost']} lost · a applies, Esc cancels"
        )
        items = review_lines(r) or ["every coding stays where it is"]
        with Vertical(classes="dialog"):
            yield Label(Text(title), classes="dialog-title")
            yield OptionList(*[Option(Text(item)) for item in items], id="reimport-list")

    def action_apply(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
