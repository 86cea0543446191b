// Task 11, right: a steal takes the ring's tail (put #2 first), the private block (put #1) last, one producer's local emptied at a time.
export const predictions = { firstPut: 2, lastPut: 1, inARow: 4, handoffs: 12 };
