// The Promela twins of benchmark programs, each with the bench row it is compared with.
export interface SpinModel {
  /** the bench program it mirrors */
  readonly row: string;
  readonly file: string;
  readonly defines: Readonly<Record<string, number>>;
  /** the model can deadlock: the full search runs with -E, and a second run stops at the first error */
  readonly deadlocks: boolean;
}

export const spinModels: readonly SpinModel[] = [
  { row: 'lock-counter-2x2', file: 'lock-counter.pml', defines: { N: 2, K: 2 }, deadlocks: false },
  { row: 'lock-counter-3x3', file: 'lock-counter.pml', defines: { N: 3, K: 3 }, deadlocks: false },
  { row: 'independent-3x4', file: 'independent.pml', defines: { N: 3, K: 4 }, deadlocks: false },
  { row: 'philosophers-3', file: 'philosophers.pml', defines: { N: 3 }, deadlocks: true },
  { row: 'philosophers-6', file: 'philosophers.pml', defines: { N: 6 }, deadlocks: true },
  { row: 'abba-deadlock', file: 'abba.pml', defines: {}, deadlocks: true },
];
