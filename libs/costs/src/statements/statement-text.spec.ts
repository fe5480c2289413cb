import { categoryLabel, cny, describeLine, describeScheme, maskName } from './statement-text';

describe('statement texts', () => {
  it.each([
    [0, '¥0.00'],
    [5, '¥0.05'],
    [123456, '¥1,234.56'],
    [-1001, '-¥10.01'],
  ])('cny(%d) → %s', (fen, text) => {
    expect(cny(fen)).toBe(text);
  });

  it.each([
    ['张三', '张*'],
    ['李四光', '李*光'],
    ['欧阳娜娜', '欧**娜'],
    ['Li Wei', 'L** W**'],
    ['业主701', '业**'],
    ['', ''],
  ])('maskName(%s) → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('should describe an electricity line with a flat tariff in Chinese and English', () => {
    const line = {
      category: 'electricity',
      description: '12.345 kWh',
      adjustsMonth: null,
      data: {
        kwh: 12.345,
        byPeriod: { flat: { milliKwh: 12345 } },
        tariff: { kind: 'flat', priceCentifen: 5883 },
      },
    };
    expect(describeLine(line, 'zh-CN')).toBe('用电 12.345 kWh × ¥0.5883/kWh');
    expect(describeLine(line, 'en')).toBe('12.345 kWh × ¥0.5883/kWh');
  });

  it('should describe time-of-use electricity per period', () => {
    const line = {
      category: 'electricity',
      description: '3.000 kWh',
      adjustsMonth: null,
      data: {
        kwh: 3,
        byPeriod: { 峰: { milliKwh: 1000 }, 谷: { milliKwh: 2000 } },
        tariff: {
          kind: 'time_of_use',
          periods: [
            { name: '峰', fromHour: 8, toHour: 22, priceCentifen: 6000 },
            { name: '谷', fromHour: 22, toHour: 32, priceCentifen: 3000 },
          ],
        },
      },
    };
    expect(describeLine(line, 'zh-CN')).toBe(
      '用电 3.000 kWh（分时：峰 1.000 kWh × ¥0.6000/kWh；谷 2.000 kWh × ¥0.3000/kWh）',
    );
  });

  it('should read a maintenance line stored before lines carried their contract number', () => {
    const line = {
      category: 'maintenance',
      description: 'contract WB-7: 31 of 365 days',
      adjustsMonth: null,
      data: { days: 31, annualFeeFen: 365_000 },
    };
    expect(describeLine(line, 'zh-CN')).toBe('维保合同 WB-7：年费 ¥3,650.00，本月按 31/365 天计');
  });

  it('should describe an adjustment with what was charged and what is due', () => {
    const line = {
      category: 'adjustment',
      description: 'adjustment for 2026-09: electricity …',
      adjustsMonth: '2026-09',
      data: { charged: 1000, now: 1500, category: 'electricity' },
    };
    expect(describeLine(line, 'zh-CN')).toBe('2026-09 电费：原收 ¥10.00，应收 ¥15.00');
    expect(describeLine(line, 'en')).toBe('2026-09 Electricity: charged ¥10.00, due ¥15.00');
  });

  it('should keep the agent’s own words for repairs', () => {
    expect(
      describeLine({ category: 'repair', description: '更换门机皮带', adjustsMonth: null, data: {} }, 'en'),
    ).toBe('更换门机皮带');
    expect(categoryLabel('repair', 'zh-CN')).toBe('维修费');
  });

  it('should say how a Guangzhou scheme splits, naming exempt flats by number', () => {
    const flats = [
      { flatId: 'a', number: '101', floor: 1 },
      { flatId: 'b', number: '201', floor: 2 },
    ];
    const text = describeScheme(
      { kind: 'floor_coefficient', floorCoefficients: { '1': 0, '2': 500 }, exemptFlatIds: ['a'] },
      flats,
      'zh-CN',
    );
    expect(text).toBe('按楼层系数分摊，同层各户按面积分：1层 0.00，2层 0.50；免缴：101');
    expect(
      describeScheme({ kind: 'custom_percent', customBasisPoints: { a: 2500, b: 7500 } }, flats, 'en'),
    ).toBe('by the percentages the owners agreed (101 25.00%, 201 75.00%)');
  });
});
