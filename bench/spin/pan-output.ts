// Read the figures out of a pan run's report.
export interface PanStats {
  readonly statesStored: number;
  readonly statesMatched: number;
  readonly transitions: number;
  readonly depth: number;
  readonly errors: number;
  /** pan's own "elapsed time", in seconds (10 ms resolution) */
  readonly panSeconds: number;
  /** "total actual memory usage", MB (mostly the preallocated hash table) */
  readonly memoryMB: number;
}

function num(text: string, re: RegExp): number {
  const m = re.exec(text);
  if (m === null) throw new Error(`pan output: no match for ${re}`);
  return Number(m[1]);
}

export function parsePan(text: string): PanStats {
  return {
    statesStored: num(text, /^\s*(\d+(?:\.\d+)?(?:e\+\d+)?) states, stored/m),
    statesMatched: num(text, /^\s*(\d+(?:\.\d+)?(?:e\+\d+)?) states, matched/m),
    transitions: num(text, /^\s*(\d+(?:\.\d+)?(?:e\+\d+)?) transitions/m),
    depth: num(text, /depth reached (\d+)/),
    errors: num(text, /errors: (\d+)/),
    panSeconds: num(text, /pan: elapsed time ([\d.e+]+) seconds/),
    memoryMB: num(text, /([\d.]+)\s+total actual memory usage/),
  };
}
