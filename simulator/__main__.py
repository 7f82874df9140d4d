"""`python -m simulator` is `simsim`."""

from simulator.cli import main

if __name__ == "__main__":
    main()
