// Task 11, wrong: expects the consumer to take a producer's puts in the order they were made (put #1 first, #4 last).
export const predictions = { firstPut: 1, lastPut: 4, inARow: 4, handoffs: 12 };
