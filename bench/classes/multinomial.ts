// (n*k)! / (k!)^n: the orders of n threads' k critical sections each under one lock, which is
// the number of Mazurkiewicz classes (and of DFS executions) of the locked counter.
export function multinomial(threads: number, perThread: number): number {
  let result = 1;
  let placed = 0;
  for (let t = 0; t < threads; t++) {
    for (let i = 1; i <= perThread; i++) {
      placed++;
      result = (result * placed) / i;
    }
  }
  return Math.round(result);
}
