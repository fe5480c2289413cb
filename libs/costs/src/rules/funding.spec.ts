import { fundingStatement } from './funding';

describe('construction funding per owner', () => {
  it('should allocate the subsidy by share and cap the provident fund at the share after subsidy', () => {
    const lines = fundingStatement(30_000, [
      { ownerId: 'a', shareFen: 100_000, providentFundRequestFen: 200_000, maintenanceFundFen: 0 },
      { ownerId: 'b', shareFen: 200_000, providentFundRequestFen: 50_000, maintenanceFundFen: 20_000 },
      { ownerId: 'c', shareFen: 0, providentFundRequestFen: 0, maintenanceFundFen: 0 },
    ]);
    expect(lines).toEqual([
      {
        ownerId: 'a',
        shareFen: 100_000,
        subsidyFen: 10_000,
        netFen: 90_000,
        providentFundFen: 90_000,
        providentFundRefusedFen: 110_000,
        maintenanceFundFen: 0,
        cashFen: 0,
      },
      {
        ownerId: 'b',
        shareFen: 200_000,
        subsidyFen: 20_000,
        netFen: 180_000,
        providentFundFen: 50_000,
        providentFundRefusedFen: 0,
        maintenanceFundFen: 20_000,
        cashFen: 110_000,
      },
      {
        ownerId: 'c',
        shareFen: 0,
        subsidyFen: 0,
        netFen: 0,
        providentFundFen: 0,
        providentFundRefusedFen: 0,
        maintenanceFundFen: 0,
        cashFen: 0,
      },
    ]);
  });

  it('should never allocate more subsidy than the shares', () => {
    const lines = fundingStatement(1_000_000, [
      { ownerId: 'a', shareFen: 1000, providentFundRequestFen: 0, maintenanceFundFen: 0 },
    ]);
    expect(lines[0]).toMatchObject({ subsidyFen: 1000, netFen: 0, cashFen: 0 });
  });
});
