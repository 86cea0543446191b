// Task 2, right: one collection only demotes the item to the victim cache; the second releases it.
export const predictions = { newAfter0: 0, newAfter1: 0, newAfter2: 1, newAfter1NoVictim: 1 };
