"""Haven's language layer: the blank spaCy pipeline (and, later, custom Rasa NLU components)."""
