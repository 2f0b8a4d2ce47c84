"""The demo: a seeded generator of realistic canonical CSV files, the agreement they follow, and
`run_demo`, which `netlead demo` calls to build a sample workspace from them."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from netlead.demo.generator import KINDS, generate
from netlead.errors import WorkspaceError

if TYPE_CHECKING:
    from netlead.workspace import Workspace

AGREEMENT = resources.files(__package__).joinpath("netlead.yaml")
"""The demo agreement (a Traversable; `AGREEMENT.read_text()` gives netlead.yaml)."""

MARKER = ".netlead-demo"


def agreement_text() -> str:
    """The demo netlead.yaml, to write into a new workspace."""
    return AGREEMENT.read_text()


def run_demo(directory: str | Path, leads: int = 50_000, seed: int = 7,
             say: Callable[[str], None] = print) -> Workspace:
    """Make a sample workspace in `directory` (replacing an earlier demo there): the demo
    agreement, two years of generated data in `directory/data/`, imported. Returns it open."""
    from netlead import workspace

    folder = Path(directory)
    _remove_earlier_demo(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by `netlead demo`; `netlead demo` may delete this folder\n")
    ws = workspace.init(folder, agreement_text=agreement_text())
    try:
        say(f"Generating {leads:,} leads (seed {seed}) in {folder / 'data'} …")
        files = generate(folder / "data", leads=leads, seed=seed)
        for kind in KINDS:
            say(f"Importing {files[kind].name} …")
            ws.import_files(kind, [files[kind]])
    except BaseException:
        ws.close()
        raise
    return ws


def _remove_earlier_demo(folder: Path) -> None:
    """Remove a folder an earlier `netlead demo` made (it carries the marker), so the demo can be
    re-run; refuse any other folder that is not empty."""
    if (folder / MARKER).exists():
        shutil.rmtree(folder)
    elif folder.exists() and any(folder.iterdir()):
        raise WorkspaceError(
            f"{folder} exists and was not made by `netlead demo`", "Choose another folder for the demo."
        )


__all__ = ["AGREEMENT", "KINDS", "agreement_text", "generate", "run_demo"]
