/** Exercise 8's sizes: the seed's 64–16384 bytes, plus 16, 32 and 128 to find a crossover below 64. */
export const SWEEP_SIZES = [16, 32, 64, 128, 256, 1024, 4096, 16384];
