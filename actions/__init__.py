"""Haven's custom actions (rasa-sdk). Action classes are thin; the logic lives in plain helpers."""
