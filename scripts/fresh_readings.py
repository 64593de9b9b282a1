"""Record what the crisis patterns said about each labelled set before they were tuned on it.

The patterns of today were tuned on the labelled sets in ``haven_nlu/tuning/``, so on those sets
they look far better than on text they have never seen (the blind sets). The safety net's
decision (``haven_nlu/crisis_decision.py``) must learn how much a crisis phrase is worth on unseen
text, so it learns from the patterns as they were at the commit before each set was added:
that commit's ``haven_nlu`` is exported from git into a temporary folder and run on the set.

    python -m scripts.fresh_readings            # writes haven_nlu/tuning/fresh_readings.json

A set added later is recorded with the commit before it in ``DETECTOR_BEFORE``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
TUNING = ROOT / "haven_nlu" / "tuning"
OUTPUT = TUNING / "fresh_readings.json"

# The commit whose patterns had never been tuned on each set: the parent of the commit that added
# it. The sets before dev_h and dev_zh_e were partly written by the helpers that wrote the
# patterns, so no commit's patterns are fresh to them; they are left out.
DETECTOR_BEFORE: Dict[str, str] = {
    **dict.fromkeys(("dev_h", "dev_zh_e"), "385551e^"),
    **dict.fromkeys(("dev_i", "dev_zh_f"), "79e21ae^"),
    **dict.fromkeys(("dev_j", "dev_zh_g"), "f1ac8bf^"),
    **dict.fromkeys(("dev_k", "dev_l", "dev_zh_h", "dev_zh_i"), "ddd212d^"),
    **dict.fromkeys(("dev_m", "dev_n", "dev_zh_j", "dev_zh_k"), "6fb69d4^"),
    **dict.fromkeys(("dev_o", "dev_p", "dev_zh_l", "dev_zh_m"), "5734484^"),
    **dict.fromkeys(("dev_q", "dev_r", "dev_zh_n", "dev_zh_o"), "1efb166^"),
    **dict.fromkeys(("dev_s", "dev_t", "dev_zh_p", "dev_zh_q"), "68dad0e^"),
    **dict.fromkeys(("dev_u", "dev_v", "dev_zh_r", "dev_zh_s"), "a1bfc1e"),
    **dict.fromkeys(("dev_w", "dev_x", "dev_zh_t", "dev_zh_u"), "b8e6452"),
    **dict.fromkeys(("dev_y", "dev_z", "dev_zh_v", "dev_zh_w"), "cb3bda1"),
    **dict.fromkeys(("dev_za", "dev_zb", "dev_zh_x", "dev_zh_y"), "308f0db"),
    **dict.fromkeys(("dev_zc", "dev_zh_z"), "14f8936"),
    # 2026-12-07 (22nd): the patterns were tuned on these two in a9ec1db, before they were added.
    **dict.fromkeys(("dev_zd", "dev_zh_za"), "0a3207f"),
    # 2026-12-07 (24th): added with no pattern tuned on them; the patterns of the commit before.
    **dict.fromkeys(("dev_ze", "dev_zh_zb"), "f12a767"),
}

# Run inside the exported tree: one reading per sentence, positives then negatives.
_READER = """
import json, sys, yaml
from haven_nlu.crisis import default_detector
detector = default_detector()
result = {}
for path in sys.argv[1:]:
    data = yaml.safe_load(open(path, encoding="utf-8"))
    readings = []
    for item in (data.get("positives") or []) + (data.get("negatives") or []):
        found = detector.assess(item["text"])
        intent = found.finding.intent if found.finding else None
        readings.append([intent, found.no_crisis_reason])
    result[path] = readings
print(json.dumps(result))
"""


def set_digest(path: Path) -> str:
    """The set's contents, so a reading is never applied to a changed set."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def readings_at(commit: str, paths: List[Path]) -> Dict[str, list]:
    """The patterns of ``commit`` run on ``paths`` in a subprocess (that commit's code only)."""
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "haven_nlu"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        (Path(folder) / "var").symlink_to(ROOT / "var")  # the blank spaCy pipeline
        environment = {**os.environ, "PYTHONPATH": folder, "RASA_TELEMETRY_ENABLED": "false"}
        output = subprocess.run(
            [sys.executable, "-c", _READER, *map(str, paths)],
            cwd=folder,
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    by_commit: Dict[str, List[Path]] = {}
    for name, commit in DETECTOR_BEFORE.items():
        by_commit.setdefault(commit, []).append(TUNING / f"{name}.yml")
    recorded = {}
    for commit, paths in by_commit.items():
        for path, readings in readings_at(commit, paths).items():
            recorded[Path(path).stem] = {
                "detector_commit": commit,
                "set_sha256": set_digest(Path(path)),
                "readings": readings,
            }
        print(commit, "read", ", ".join(path.stem for path in paths), flush=True)
    ordered = {name: recorded[name] for name in sorted(recorded)}
    OUTPUT.write_text(json.dumps(ordered, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
