"""`make check-resources [DIR=path]`: validates a resource directory and prints what each
country and topic resolves to, so an NGO sees exactly what a child will be shown."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from actions.directory.loader import DIRECTORY_DIR, load_directory
from actions.directory.resolve import covered_countries, resolve_resources
from actions.directory.schema import TOPICS, DirectoryError

URGENT_TOPICS = {"self_harm", "immediate_danger", "abuse", "sextortion", "runaway"}


def resolution_table(directory_path: Optional[Path]) -> List[str]:
    """One row per country and topic: the ids shown, best first (urgent topics marked !)."""
    directory = load_directory(override_dir=directory_path)
    rows = [f"{'country':<16} {'topic':<18} resolves to"]
    for country in [*covered_countries(directory.resources), "(unknown)"]:
        for topic in TOPICS:
            urgent = topic in URGENT_TOPICS
            chosen = resolve_resources(
                directory, None if country == "(unknown)" else country, topic, urgent=urgent
            )
            ids = ", ".join(resource.id for resource in chosen) or "NOTHING"
            rows.append(f"{country:<16} {topic + ('!' if urgent else ''):<18} {ids}")
    return rows


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--dir", type=Path, default=None, help=f"an NGO override layered on {DIRECTORY_DIR}"
    )
    args = parser.parse_args(argv)
    try:
        rows = resolution_table(args.dir)
    except DirectoryError as error:
        print(f"resource directory is invalid: {error}", file=sys.stderr)
        return 1
    directory = load_directory(override_dir=args.dir)
    print(f"{len(directory.resources)} entries valid.")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
