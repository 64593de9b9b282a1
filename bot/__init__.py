"""Haven's channels: the Rasa client, the local stack runner and the local terminal chat."""
