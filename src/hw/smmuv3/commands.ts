// SMMUv3 commands the model executes (hardware.md §1.14). CMD_SYNC is not a command here: a
// batch is issued with or without one (cmdq.ts). Sizes are in bytes; an ATC_INV of size 0
// invalidates everything. RESUME and PRI_RESP are not modelled (no stall, no PRI under Linux).
export type SmmuCmd =
  | { readonly op: 'CFGI_STE'; readonly sid: number; readonly leaf: boolean }
  | { readonly op: 'CFGI_STE_RANGE'; readonly sid: number; readonly log2range: number }
  | { readonly op: 'CFGI_CD'; readonly sid: number; readonly ssid: number; readonly leaf: boolean }
  | { readonly op: 'CFGI_CD_ALL'; readonly sid: number }
  | { readonly op: 'CFGI_ALL' }
  | { readonly op: 'TLBI_NH_ASID'; readonly asid: number; readonly vmid: number }
  | { readonly op: 'TLBI_NH_VA'; readonly asid: number; readonly vmid: number; readonly addr: number; readonly size: number; readonly leaf: boolean }
  | { readonly op: 'TLBI_NH_VAA'; readonly vmid: number; readonly addr: number; readonly size: number; readonly leaf: boolean }
  | { readonly op: 'TLBI_NH_ALL'; readonly vmid: number }
  | { readonly op: 'TLBI_EL2_ASID'; readonly asid: number }
  | { readonly op: 'TLBI_EL2_VA'; readonly asid: number; readonly addr: number; readonly size: number; readonly leaf: boolean }
  | { readonly op: 'TLBI_EL2_ALL' }
  | { readonly op: 'TLBI_S2_IPA'; readonly vmid: number; readonly addr: number; readonly size: number; readonly leaf: boolean }
  | { readonly op: 'TLBI_S12_VMALL'; readonly vmid: number }
  | { readonly op: 'TLBI_NSNH_ALL' }
  | { readonly op: 'ATC_INV'; readonly sid: number; readonly ssid: number | null; readonly addr: number; readonly size: number }
  | { readonly op: 'PREFETCH_CFG'; readonly sid: number };

export function describeCmd(c: SmmuCmd): string {
  const hex = (n: number): string => `0x${n.toString(16)}`;
  switch (c.op) {
    case 'CFGI_STE':
      return `CFGI_STE(sid ${c.sid}${c.leaf ? '' : ', !leaf'})`;
    case 'CFGI_STE_RANGE':
      return `CFGI_STE_RANGE(sid ${c.sid}, 2^${c.log2range})`;
    case 'CFGI_CD':
      return `CFGI_CD(sid ${c.sid}, ssid ${c.ssid})`;
    case 'CFGI_CD_ALL':
      return `CFGI_CD_ALL(sid ${c.sid})`;
    case 'TLBI_NH_ASID':
      return `TLBI_NH_ASID(asid ${c.asid}, vmid ${c.vmid})`;
    case 'TLBI_NH_VA':
      return `TLBI_NH_VA(asid ${c.asid}, vmid ${c.vmid}, ${hex(c.addr)}+${hex(c.size)}${c.leaf ? ', leaf' : ''})`;
    case 'TLBI_NH_VAA':
      return `TLBI_NH_VAA(vmid ${c.vmid}, ${hex(c.addr)}+${hex(c.size)})`;
    case 'TLBI_NH_ALL':
      return `TLBI_NH_ALL(vmid ${c.vmid})`;
    case 'TLBI_EL2_ASID':
      return `TLBI_EL2_ASID(asid ${c.asid})`;
    case 'TLBI_EL2_VA':
      return `TLBI_EL2_VA(asid ${c.asid}, ${hex(c.addr)}+${hex(c.size)})`;
    case 'TLBI_S2_IPA':
      return `TLBI_S2_IPA(vmid ${c.vmid}, ${hex(c.addr)}+${hex(c.size)}${c.leaf ? ', leaf' : ''})`;
    case 'TLBI_S12_VMALL':
      return `TLBI_S12_VMALL(vmid ${c.vmid})`;
    case 'ATC_INV':
      return `ATC_INV(sid ${c.sid}${c.ssid === null ? '' : `, ssid ${c.ssid}`}, ${c.size === 0 ? 'all' : `${hex(c.addr)}+${hex(c.size)}`})`;
    case 'PREFETCH_CFG':
      return `PREFETCH_CFG(sid ${c.sid})`;
    default:
      return c.op;
  }
}
