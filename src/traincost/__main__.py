"""`python -m traincost`: the command line."""

from traincost.cli import main

main()
