# Objects of accel/tcg/, one per line.
