# Objects of hw/, one per line.
