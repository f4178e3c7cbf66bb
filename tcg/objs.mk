# Objects of tcg/, one per line.
