import { apportion, weight } from './apportion';

export interface FundingInput {
  ownerId: string;
  /** the owner's construction share (from the construction split, by days/shares), fen */
  shareFen: number;
  /** housing provident fund withdrawal the owner asked for, fen */
  providentFundRequestFen: number;
  /** from the owner's residential special maintenance fund account, fen */
  maintenanceFundFen: number;
}

export interface FundingLine {
  ownerId: string;
  shareFen: number;
  subsidyFen: number;
  netFen: number;
  providentFundFen: number;
  /** the withdrawal asked for above the cap, refused */
  providentFundRefusedFen: number;
  maintenanceFundFen: number;
  cashFen: number;
}

/**
 * Per-owner construction funding: the government subsidy is allocated in proportion to the
 * shares (largest remainder); what is left is paid from the special maintenance fund, then the
 * housing provident fund (capped at the share after subsidy), then cash.
 */
export function fundingStatement(subsidyFen: number, owners: readonly FundingInput[]): FundingLine[] {
  const payers = owners.map((o) => weight(Math.max(0, o.shareFen)));
  const anyone = owners.some((o) => o.shareFen > 0);
  const totalShare = owners.reduce((a, o) => a + Math.max(0, o.shareFen), 0);
  const subsidy = Math.min(subsidyFen, totalShare);
  const subsidies = anyone ? apportion(subsidy, payers) : owners.map(() => 0);
  return owners.map((o, i) => {
    const net = Math.max(0, o.shareFen - (subsidies[i] ?? 0));
    const fund = Math.min(o.maintenanceFundFen, net);
    const pfCap = net - fund;
    const pf = Math.min(o.providentFundRequestFen, pfCap);
    return {
      ownerId: o.ownerId,
      shareFen: o.shareFen,
      subsidyFen: subsidies[i] ?? 0,
      netFen: net,
      providentFundFen: pf,
      providentFundRefusedFen: o.providentFundRequestFen - pf,
      maintenanceFundFen: fund,
      cashFen: net - fund - pf,
    };
  });
}
