"""Runs the Rasa command line the same way everywhere (tests, evaluation): from the project root,
with the project's environment, on the newest trained model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from actions.paths import PROJECT_ROOT
from bot.local_stack import service_environment

MODELS_DIR = PROJECT_ROOT / "models"


def run_rasa(
    *args: str, capture: bool = True, timeout: Optional[float] = None, module: str = "rasa"
) -> subprocess.CompletedProcess:
    """Runs `rasa <args>` (or another module's command line, e.g. scripts.rasa_story_test) and
    returns the finished process (output captured unless asked not to)."""
    command, where = _command(module, args)
    return subprocess.run(command, **where, capture_output=capture, text=True, timeout=timeout)


def start_rasa(*args: str, output_dir: Path, module: str = "rasa") -> subprocess.Popen:
    """Starts `rasa <args>` like :func:`run_rasa` without waiting, its output going to
    ``output_dir`` (stdout.txt, stderr.txt), so that several runs can share the cores."""
    output_dir.mkdir(parents=True, exist_ok=True)
    command, where = _command(module, args)
    with (
        open(output_dir / "stdout.txt", "w") as stdout,
        open(output_dir / "stderr.txt", "w") as stderr,
    ):
        return subprocess.Popen(command, **where, stdout=stdout, stderr=stderr, text=True)


def _command(module: str, args: Sequence[str]) -> Tuple[List[str], Dict[str, Any]]:
    """The command line and where and how it runs: from the project root, with the project's
    environment."""
    return [sys.executable, "-m", module, *args], {
        "cwd": PROJECT_ROOT,
        "env": service_environment(),
    }


def latest_model(models_dir: Path = MODELS_DIR) -> Optional[Path]:
    """The newest model archive, the one `rasa run` would load; None before the first training."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    return models[-1] if models else None
