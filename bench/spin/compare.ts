// placeholder until the Spin comparison lands
export type SpinResult = Record<string, never>;

export function runSpinComparison(_p: readonly string[], _r: readonly unknown[], _log: (m: string) => void): SpinResult[] | null {
  return null;
}

export function renderSpin(_s: readonly SpinResult[]): string {
  return '';
}
