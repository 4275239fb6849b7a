"""The web front ends served by `make run`: the embeddable chat widget and the counselor console."""
