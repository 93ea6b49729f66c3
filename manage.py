#!/usr/bin/env python3
from ktgs.cli import main

if __name__ == "__main__":
    main()
