import { type ShareWorking } from '../rules/share-working';
import { type Lang } from '@liftwatch/contract';
import { type SplitScheme } from '../rules/split-scheme';
import { type Tariff } from '../rules/tariff';

/**
 * What owners read on a statement, in Chinese (default) or English: line labels and descriptions,
 * the split scheme in words, the operating model. Pure: built from the data stored with each line,
 * so an issued statement reads the same in either language, whenever it is printed.
 */

export type LineCategory =
  | 'electricity'
  | 'maintenance'
  | 'insurance'
  | 'inspection'
  | 'parts'
  | 'repair'
  | 'other'
  | 'lease'
  | 'rides'
  | 'adjustment';

const CATEGORY: Record<LineCategory, [string, string]> = {
  electricity: ['电费', 'Electricity'],
  maintenance: ['维保费', 'Maintenance contract'],
  insurance: ['保险费', 'Insurance premium'],
  inspection: ['检验检测费', 'Inspection fee'],
  parts: ['配件费', 'Parts'],
  repair: ['维修费', 'Repair'],
  other: ['其他费用', 'Other'],
  lease: ['租赁费', 'Lease fee'],
  rides: ['乘梯费', 'Rides'],
  adjustment: ['往期调整', 'Adjustment'],
};

const pick = (lang: Lang, zh: string, en: string): string => (lang === 'en' ? en : zh);

export function categoryLabel(category: string, lang: Lang): string {
  const c = CATEGORY[category as LineCategory];
  return c ? pick(lang, c[0], c[1]) : category;
}

export function operatingModelLabel(model: string, lang: Lang): string {
  switch (model) {
    case 'owner_run':
      return pick(lang, '业主自管', 'run by the owners');
    case 'leased':
      return pick(lang, '租赁运营（按月付费）', 'leased (fixed monthly fee)');
    case 'shared':
      return pick(lang, '共享电梯（按次付费）', 'shared (paid per ride)');
    default:
      return model;
  }
}

/** CNY with the yuan sign, exact to the fen. */
export function cny(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(Math.trunc(fen));
  return `${sign}¥${Math.floor(a / 100).toLocaleString('en-US')}.${String(a % 100).padStart(2, '0')}`;
}

/** 1/100 fen per kWh as yuan per kWh, e.g. 5883 → ¥0.5883. */
function pricePerKwh(centifen: number): string {
  return `¥${(centifen / 10_000).toFixed(4)}/kWh`;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export interface LineLike {
  category: string;
  description: string;
  adjustsMonth: string | null;
  data: Record<string, unknown>;
}

/** One line's description in `lang`, from its stored data; the stored text when data is missing. */
export function describeLine(line: LineLike, lang: Lang): string {
  const d = line.data;
  switch (line.category) {
    case 'electricity': {
      const kwh = num(d.kwh);
      if (kwh === null) break;
      const unresolved = num(d.unresolvedMeterAnomalies) ?? 0;
      const note =
        unresolved > 0
          ? pick(
              lang,
              `；另有 ${unresolved} 个电表异常读数待核实，未计入`,
              `; ${unresolved} odd meter reading(s) await checking and are not counted`,
            )
          : '';
      return `${describeEnergy(d, kwh, lang)}${note}`;
    }
    case 'maintenance': {
      const days = num(d.days);
      const annual = num(d.annualFeeFen);
      const contract = str(d.contractNumber) ?? /contract (\S+):/.exec(line.description)?.[1] ?? '';
      const yearDays =
        num(d.yearDays) ??
        (/of (\d+) days/.exec(line.description) ? Number(/of (\d+) days/.exec(line.description)?.[1]) : null);
      if (days === null || annual === null) break;
      return pick(
        lang,
        `维保合同 ${contract}：年费 ${cny(annual)}，本月按 ${days}${yearDays ? `/${yearDays}` : ''} 天计`,
        `contract ${contract}: annual fee ${cny(annual)}, ${days}${yearDays ? ` of ${yearDays}` : ''} days this month`,
      );
    }
    case 'insurance': {
      const days = num(d.days);
      const term = num(d.termDays);
      const premium = num(d.premiumFen);
      const policy = str(d.policyNumber) ?? /policy (\S+):/.exec(line.description)?.[1] ?? '';
      if (days === null || term === null || premium === null) break;
      return pick(
        lang,
        `保单 ${policy}：保费 ${cny(premium)}，本月按 ${days}/${term} 天计`,
        `policy ${policy}: premium ${cny(premium)}, ${days} of ${term} days this month`,
      );
    }
    case 'inspection': {
      const kind = str(d.kind) ?? line.description.split(' ')[0] ?? '';
      const report = str(d.reportNumber) ?? line.description.split(' ').slice(1).join(' ');
      const kindText =
        kind === 'periodic'
          ? pick(lang, '定期检验', 'periodic inspection')
          : kind === 'self_test'
            ? pick(lang, '自行检测', 'self-test')
            : kind;
      return pick(lang, `${kindText}，报告 ${report}`, `${kindText}, report ${report}`);
    }
    case 'parts':
      if (str(d.recordId))
        return pick(
          lang,
          '维保记录所列配件（合同不含配件）',
          'parts on a maintenance record (not covered by the contract)',
        );
      break;
    case 'lease':
      return pick(lang, '固定月租（付投资方）', 'fixed monthly fee to the investor');
    case 'rides': {
      const trips = num(d.trips);
      const price = num(d.ridePriceFen);
      if (trips === null || price === null) break;
      return pick(lang, `${trips} 次 × ${cny(price)}/次`, `${trips} rides × ${cny(price)}`);
    }
    case 'adjustment': {
      const of = str(d.category);
      const what = of ? categoryLabel(of, lang) : '';
      const charged = num(d.charged);
      const now = num(d.now);
      if (charged === null || now === null) break;
      return pick(
        lang,
        `${line.adjustsMonth ?? ''} ${what}：原收 ${cny(charged)}，应收 ${cny(now)}`,
        `${line.adjustsMonth ?? ''} ${what}: charged ${cny(charged)}, due ${cny(now)}`,
      );
    }
    default:
      break; // repair, other: the agent's own words
  }
  return line.description;
}

export interface SchemeFlat {
  flatId: string;
  number: string;
  floor: number;
}

/** How the split works, in words an owner can check against the agreement. */
export function describeScheme(
  scheme: Partial<SplitScheme>,
  flats: readonly SchemeFlat[],
  lang: Lang,
): string {
  const byId = new Map(flats.map((f) => [f.flatId, f]));
  const coefficients = (): string => {
    const c = scheme.floorCoefficients ?? {};
    return Object.keys(c)
      .map(Number)
      .sort((a, b) => a - b)
      .map((f) =>
        pick(
          lang,
          `${f}层 ${((c[String(f)] ?? 0) / 1000).toFixed(2)}`,
          `floor ${f}: ${((c[String(f)] ?? 0) / 1000).toFixed(2)}`,
        ),
      )
      .join(lang === 'en' ? ', ' : '，');
  };
  let text: string;
  switch (scheme.kind) {
    case 'floor_coefficient':
      text = pick(
        lang,
        `按楼层系数分摊，同层各户按面积分：${coefficients()}`,
        `by floor coefficient, flats on one floor by area (${coefficients()})`,
      );
      break;
    case 'area':
      text = pick(lang, '按各户专有面积比例分摊', "in proportion to each flat's exclusive area");
      break;
    case 'coefficient_area':
      text = pick(
        lang,
        `按楼层系数 × 面积分摊：${coefficients()}`,
        `by floor coefficient × area (${coefficients()})`,
      );
      break;
    case 'custom_percent': {
      const bp = scheme.customBasisPoints ?? {};
      const list = Object.entries(bp)
        .map(([id, v]) => `${byId.get(id)?.number ?? id.slice(0, 8)} ${(v / 100).toFixed(2)}%`)
        .join(lang === 'en' ? ', ' : '，');
      text = pick(lang, `按业主约定比例分摊：${list}`, `by the percentages the owners agreed (${list})`);
      break;
    }
    default:
      text = String(scheme.kind ?? '');
  }
  const exempt = (scheme.exemptFlatIds ?? []).map((id) => byId.get(id)?.number ?? id.slice(0, 8));
  if (exempt.length > 0) text += pick(lang, `；免缴：${exempt.join('、')}`, `; exempt: ${exempt.join(', ')}`);
  return text;
}

/**
 * A name as others may see it: the surname and, for longer names, the last character (张三 → 张*,
 * 欧阳娜娜 → 欧**娜); anything else keeps its first character (Li Wei → L** W**).
 */
export function maskName(name: string): string {
  const trimmed = name.trim();
  const chars = [...trimmed];
  if (chars.length === 0) return '';
  if (/^[\p{Script=Han}·]+$/u.test(trimmed)) {
    if (chars.length <= 2) return `${chars[0]}*`;
    return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
  }
  if (/^\p{Script=Han}/u.test(trimmed)) return `${chars[0]}**`;
  return trimmed
    .split(/\s+/)
    .map((w) => `${[...w][0] ?? ''}**`)
    .join(' ');
}

/** Energy × tariff, in words. */
function describeEnergy(d: Record<string, unknown>, kwh: number, lang: Lang): string {
  const tariff = d.tariff as Tariff | undefined;
  const periods = d.byPeriod as Record<string, { milliKwh: number }> | undefined;
  const base = `${kwh.toFixed(3)} kWh`;
  if (tariff?.kind === 'flat' && tariff.priceCentifen !== undefined)
    return pick(
      lang,
      `用电 ${base} × ${pricePerKwh(tariff.priceCentifen)}`,
      `${base} × ${pricePerKwh(tariff.priceCentifen)}`,
    );
  if (tariff?.kind === 'time_of_use' && periods) {
    const parts = (tariff.periods ?? [])
      .filter((p) => periods[p.name])
      .map(
        (p) =>
          `${p.name} ${((periods[p.name]?.milliKwh ?? 0) / 1000).toFixed(3)} kWh × ${pricePerKwh(p.priceCentifen)}`,
      );
    return pick(
      lang,
      `用电 ${base}（分时：${parts.join('；')}）`,
      `${base} (time of use: ${parts.join('; ')})`,
    );
  }
  return pick(lang, `用电 ${base}`, base);
}

const yuan = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;
const coefText = (thousandths: number): string => String(thousandths / 1000);

/**
 * One owner's amount worked out in words, from the flat's share of the month's total down to what
 * this owner pays (co-ownership share × days held), so it can be checked by hand.
 */
export function describeWorking(
  w: ShareWorking | null,
  a: { sharePercent: number; days: number; monthDays: number; ownerFen: number },
  lang: Lang,
): string | null {
  if (!w) return null;
  let flat: string;
  switch (w.kind) {
    case 'exempt':
      return pick(lang, '本户免于分摊', 'this flat is exempt');
    case 'compensated':
      return pick(
        lang,
        `首层补偿：本户获得 ${yuan(w.compensationFen)}，由其他住户分摊`,
        `ground-floor compensation: this flat receives ${yuan(w.compensationFen)}, carried by the others`,
      );
    case 'floor_coefficient':
      flat = pick(
        lang,
        `楼层系数 ${coefText(w.coefficient)} ÷ 系数合计 ${coefText(w.coefficientSum)} × 本户面积 ${w.flatAreaM2} m² ÷ 本层面积 ${w.floorAreaM2} m² × 分摊总额 ${yuan(w.totalFen)} = ${yuan(w.exactFen)}`,
        `floor coefficient ${coefText(w.coefficient)} ÷ sum of coefficients ${coefText(w.coefficientSum)} × flat ${w.flatAreaM2} m² ÷ floor ${w.floorAreaM2} m² × total ${yuan(w.totalFen)} = ${yuan(w.exactFen)}`,
      );
      break;
    case 'area':
      flat = pick(
        lang,
        `本户面积 ${w.flatAreaM2} m² ÷ 总面积 ${w.totalAreaM2} m² × 分摊总额 ${yuan(w.totalFen)} = ${yuan(w.exactFen)}`,
        `flat ${w.flatAreaM2} m² ÷ all ${w.totalAreaM2} m² × total ${yuan(w.totalFen)} = ${yuan(w.exactFen)}`,
      );
      break;
    case 'coefficient_area':
      flat = pick(
        lang,
        `系数 ${coefText(w.coefficient)} × 面积 ${w.flatAreaM2} m² ÷ 全部（系数×面积）${w.weightSum / 1000} × 分摊总额 ${yuan(w.totalFen)} = ${yuan(w.exactFen)}`,
        `coefficient ${coefText(w.coefficient)} × ${w.flatAreaM2} m² ÷ Σ(coefficient × area) ${w.weightSum / 1000} × total ${yuan(w.totalFen)} = ${yuan(w.exactFen)}`,
      );
      break;
    case 'custom_percent':
      flat = pick(
        lang,
        `约定比例 ${(w.basisPoints / 100).toFixed(2)}% × 分摊总额 ${yuan(w.totalFen)} = ${yuan(w.exactFen)}`,
        `agreed ${(w.basisPoints / 100).toFixed(2)}% × total ${yuan(w.totalFen)} = ${yuan(w.exactFen)}`,
      );
      break;
  }
  const rounded = pick(
    lang,
    `，取整到分后本户 ${yuan(w.flatFen)}（各户合计等于总额）`,
    `, rounded to the fen: ${yuan(w.flatFen)} (the flats add up to the total)`,
  );
  const parts: string[] = [];
  if (a.sharePercent !== 100)
    parts.push(pick(lang, `× 份额 ${a.sharePercent}%`, `× share ${a.sharePercent}%`));
  if (a.days !== a.monthDays)
    parts.push(pick(lang, `× 持有 ${a.days}/${a.monthDays} 天`, `× held ${a.days}/${a.monthDays} days`));
  const owner =
    parts.length > 0
      ? pick(
          lang,
          `；${parts.join(' ')} = 应缴 ${yuan(a.ownerFen)}`,
          `; ${parts.join(' ')} = pays ${yuan(a.ownerFen)}`,
        )
      : '';
  return `${flat}${rounded}${owner}`;
}
