// Task 2, wrong: believes that one collection empties the pool.
export const predictions = { newAfter0: 0, newAfter1: 1, newAfter2: 1, newAfter1NoVictim: 1 };
