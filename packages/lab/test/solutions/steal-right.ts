// Task 3, right: consumers steal every item they get; with one local nothing is stolen.
export const predictions = { hitsFourLocals: 7200, stealsFourLocals: 7200, stealsOneLocal: 0 };
