"""`python -m traincost`: the command line."""

from traincost.cli import main

if __name__ == "__main__":  # not when a worker process re-imports it
    main()
