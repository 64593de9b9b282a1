"""Runs the Rasa command line the same way everywhere (tests, evaluation): from the project root,
with the project's environment, on the newest trained model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Optional

from actions.paths import PROJECT_ROOT
from bot.local_stack import service_environment

MODELS_DIR = PROJECT_ROOT / "models"


def run_rasa(
    *args: str, capture: bool = True, timeout: Optional[float] = None, module: str = "rasa"
) -> subprocess.CompletedProcess:
    """Runs `rasa <args>` (or another module's command line, e.g. scripts.rasa_story_test) and
    returns the finished process (output captured unless asked not to)."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=PROJECT_ROOT,
        env=service_environment(),
        capture_output=capture,
        text=True,
        timeout=timeout,
    )


def latest_model(models_dir: Path = MODELS_DIR) -> Optional[Path]:
    """The newest model archive, the one `rasa run` would load; None before the first training."""
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    return models[-1] if models else None
