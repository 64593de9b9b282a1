"""Privacy by design: what Haven stores, in what form, and for how long."""
