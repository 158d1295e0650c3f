// The device side of DMA: a PCI function or platform device as hardware. It carries the ATS
// enable bit and the ATC (translations the device cached, cache/atc.ts), whether it is in reset,
// and the hardware facts a checker reads afterwards (ATS invalidations that timed out because the
// function was in reset). A function in reset issues no DMA and answers no ATS invalidation.
import { DeviceAtc } from './cache/atc.js';
import type { UsedKey } from './cache/fence-log.js';
import { access, type Gen, hwStep, hwStepDone, hwUpdate, hwWrite, KObject } from '../sync/index.js';

export class HwEndpoint extends KObject {
  /** ATS capability present */
  atsCapable = false;
  /** ATS enable bit in the function's ATS control register */
  atsEnabled = false;
  /** a reset is in progress: the function answers no invalidation, ATC is empty */
  inReset = false;
  /** translations cached in the device's ATC */
  readonly atc: DeviceAtc;
  /** ATS invalidations sent while the function was in reset (each one timed out) */
  atcInvTimeouts = 0;
  /** resets the function went through */
  resets = 0;

  constructor(readonly name: string) {
    super();
    this.atc = new DeviceAtc(`atc${this.oid}`);
  }

  override get label(): string {
    return `ep:${this.name}`;
  }
}

/**
 * the function enters reset (FLR initiated, D3hot, secondary bus reset): ATC lost, ATS disabled;
 * one write to the whole function (every field it changes is part of the op)
 */
export function* hwFunctionResetStart(ep: HwEndpoint): Gen {
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

/**
 * An ATS invalidation reaching the function, as one step (what an IOMMU's ATC_INV / dev-TLB
 * invalidation does when its queue processes it). A function in reset does not answer: the
 * invalidation times out (counted; the IOMMU reports the timeout at its fence). The caller's step
 * writes the endpoint's 'atc' and reads 'inReset'. Returns the ATC generation a fence completes,
 * or null when the invalidation timed out.
 */
export function atcInvalidateNow(
  ep: HwEndpoint,
  pasid: number | null | undefined,
  range: { start: number; last: number } | null,
): UsedKey | null {
  if (ep.inReset) {
    ep.atcInvTimeouts++;
    return null;
  }
  return ep.atc.invalidate(pasid, range);
}

/**
 * An ATS invalidation of everything sent to the function (the mock's). Field 'atc': checks tell an
 * invalidation from a reset entry (field null) by the field written.
 */
export function* hwAtcInvalidate(ep: HwEndpoint): Gen {
  // the effect depends on the reset state: the step reads inReset beside writing 'atc'
  const site = yield* hwStep(ep, 'atc', 'write', 'atc_inv', [access(ep, 'inReset')]);
  atcInvalidateNow(ep, undefined, null);
  hwStepDone(site);
}
