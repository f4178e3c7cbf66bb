# Objects of tests/unit/, one per line.
