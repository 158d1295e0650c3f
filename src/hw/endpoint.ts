// The device side of DMA: a PCI function or platform device as hardware. It carries the ATS
// enable bit and the ATC (translations the device cached), whether it is in reset, and the
// hardware facts a checker reads afterwards (an ATS invalidation that timed out because the
// function was in reset, DMA it issued while in reset).
import { type Gen, hwUpdate, hwWrite, KObject } from '../sync/index.js';

export class HwEndpoint extends KObject {
  /** ATS capability present */
  atsCapable = false;
  /** ATS enable bit in the function's ATS control register */
  atsEnabled = false;
  /** a reset is in progress: the function answers no invalidation, ATC is empty */
  inReset = false;
  /** translations cached in the device's ATC: iova -> paddr */
  readonly atc = new Map<number, number>();
  /** ATS invalidations sent while the function was in reset (each one timed out) */
  atcInvTimeouts = 0;
  /** resets the function went through */
  resets = 0;

  constructor(readonly name: string) {
    super();
  }

  override get label(): string {
    return `ep:${this.name}`;
  }
}

/** the function enters reset (FLR initiated, D3hot, secondary bus reset): ATC lost, ATS disabled */
export function* hwFunctionResetStart(ep: HwEndpoint): Gen {
  // the whole function: reset state, ATC and the ATS enable bit at once
  yield* hwUpdate(ep, null, (e) => {
    e.inReset = true;
    e.resets++;
    e.atc.clear();
    e.atsEnabled = false;
  }, 'function_reset');
}

/** the function is out of reset and answers again */
export function* hwFunctionResetEnd(ep: HwEndpoint): Gen {
  yield* hwWrite(ep, 'inReset', false, 'function_reset_done');
}

/** an ATS invalidation sent to the function: a function in reset does not answer (timeout) */
export function* hwAtcInvalidate(ep: HwEndpoint): Gen {
  yield* hwUpdate(ep, 'atc', (e) => {
    if (e.inReset) e.atcInvTimeouts++;
    else e.atc.clear();
  }, 'atc_inv');
}
