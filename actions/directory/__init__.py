"""Plain code for Haven's sourced help contacts: load, validate, query. No Rasa imports."""
