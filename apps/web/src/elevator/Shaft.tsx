import { useTranslation } from 'react-i18next';
import type { Schemas } from '../api/client';
import { STATUS_COLOR } from '../ui/status';

/**
 * The shaft as a dispatcher pictures it: the floors served, the car where the controller last said
 * it was, its direction, its doors open or closed. Drawn in SVG from the live state.
 */
export function Shaft({ floors, live }: { floors: number; live: Schemas['LiveState'] | null }) {
  const { t } = useTranslation();
  const rowH = Math.max(22, Math.min(34, 320 / floors));
  const height = rowH * floors + 16;
  const floor = live?.floor ?? null;
  const carY = floor ? 8 + (floors - floor) * rowH : null;
  const color = STATUS_COLOR[live?.status ?? 'offline'];
  const open = live?.doorClosed === false;
  return (
    <svg
      width={132}
      height={height}
      role="img"
      aria-label={t('elevator.shaftLabel', { floor: floor ?? '—' })}
      data-testid="shaft"
      data-floor={floor ?? ''}
      style={{ flex: 'none' }}
    >
      <rect x={40} y={4} width={60} height={height - 8} fill="#f5f6f7" stroke="#c9cdd4" rx={3} />
      {Array.from({ length: floors }, (_, i) => {
        const f = floors - i;
        const y = 8 + i * rowH;
        return (
          <g key={f}>
            <line x1={40} x2={100} y1={y + rowH} y2={y + rowH} stroke="#e5e6eb" />
            <text
              x={30}
              y={y + rowH / 2 + 4}
              fontSize={11}
              textAnchor="end"
              fill={f === floor ? '#1f2329' : '#86909c'}
              fontWeight={f === floor ? 700 : 400}
            >
              {f}
            </text>
          </g>
        );
      })}
      {carY !== null && (
        <g data-testid="car">
          <rect x={46} y={carY + 2} width={48} height={rowH - 4} rx={3} fill={color} opacity={0.9} />
          {open ? (
            <>
              <rect x={50} y={carY + 5} width={14} height={rowH - 10} fill="#fff" opacity={0.85} />
              <rect x={76} y={carY + 5} width={14} height={rowH - 10} fill="#fff" opacity={0.85} />
            </>
          ) : (
            <line x1={70} x2={70} y1={carY + 5} y2={carY + rowH - 5} stroke="#fff" strokeWidth={2} />
          )}
          {live?.direction === 1 && <path d={`M112 ${carY + rowH / 2 + 5} l8 -12 l8 12 z`} fill="#1456f0" />}
          {live?.direction === 2 && <path d={`M112 ${carY + rowH / 2 - 5} l8 12 l8 -12 z`} fill="#1456f0" />}
        </g>
      )}
    </svg>
  );
}
