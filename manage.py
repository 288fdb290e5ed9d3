#!/usr/bin/env python
"""Django's manage.py, kept for habit; `shuzheng` is the same command."""

from shuzheng.cli import main

if __name__ == "__main__":
    main()
