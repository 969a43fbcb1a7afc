"""python -m kg: the same CLI as the kg command."""

from .cli import main

main()
