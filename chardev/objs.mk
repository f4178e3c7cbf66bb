# Objects of chardev/, one per line.
