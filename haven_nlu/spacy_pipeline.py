"""Builds the blank English spaCy pipeline that Rasa's SpacyNLP loads.

Pretrained spaCy pipelines cannot be downloaded on our machines, so the pipeline is built in
code: a blank tokenizer plus the lookup lemmatizer from ``spacy-lookups-data``. Lemmas let
"threatened", "threatening" and "threatens" share one feature in the classifier.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import spacy
from spacy.language import Language

PIPELINE_DIR = Path(__file__).resolve().parent.parent / "var" / "spacy" / "en_haven"


def build_english_pipeline() -> Language:
    """Returns a blank English pipeline with a lookup lemmatizer, ready to save."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = "haven"
    nlp.meta["description"] = "Blank English tokenizer with lookup lemmas, built by Haven."
    return nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", type=Path, default=PIPELINE_DIR)
    args = parser.parse_args()
    nlp = build_english_pipeline()
    args.output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(args.output)
    print(f"spaCy pipeline written to {args.output}")


if __name__ == "__main__":
    main()
