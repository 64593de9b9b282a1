#!/usr/bin/env bash
# Creates .venv/ with Python 3.10, installs the locked dependencies and builds the blank spaCy
# pipeline. Idempotent: a stamp keyed on the requirement files skips work already done.
set -euo pipefail
cd "$(dirname "$0")/.."

export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2

find_python310() {
  if command -v pyenv >/dev/null 2>&1; then
    local root candidate
    root=$(pyenv root)
    for candidate in "$root"/versions/3.10*/bin/python3.10; do
      [ -x "$candidate" ] && { echo "$candidate"; return 0; }
    done
  fi
  if PYENV_VERSION=3.10.13 python3.10 --version >/dev/null 2>&1; then
    PYENV_VERSION=3.10.13 python3.10 -c 'import sys; print(sys.executable)'
    return 0
  fi
  if command -v python3.10 >/dev/null 2>&1 && python3.10 --version >/dev/null 2>&1; then
    command -v python3.10
    return 0
  fi
  return 1
}

if [ ! -x .venv/bin/python ]; then
  if ! PY310=$(find_python310); then
    echo "error: Python 3.10 was not found. Rasa 3.6 needs Python 3.10 (not 3.11+)." >&2
    echo "       Install it (e.g. 'pyenv install 3.10.13') and run this again." >&2
    exit 1
  fi
  echo "Creating .venv with $PY310"
  "$PY310" -m venv .venv
fi

stamp_key=$(cat requirements.txt requirements-dev.txt constraints.txt haven_nlu/spacy_pipeline.py | sha256sum | cut -c1-16)
stamp=".venv/.haven-installed-$stamp_key"
if [ ! -f "$stamp" ] || [ ! -f var/spacy/en_haven/meta.json ]; then
  echo "Installing pinned dependencies (first run takes a few minutes)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "pip==24.0"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    -r requirements.txt -r requirements-dev.txt -c constraints.txt
  echo "Building the blank spaCy pipeline"
  .venv/bin/python -m haven_nlu.spacy_pipeline
  rm -f .venv/.haven-installed-*
  touch "$stamp"
fi
