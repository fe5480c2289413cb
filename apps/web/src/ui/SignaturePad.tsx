import { ClearOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A signature drawn with a finger (or mouse) on the screen. `onChange` gets the drawing as a PNG
 * once a stroke ends, or null when cleared. White background, so the PNG reads on any viewer.
 */
export function SignaturePad({
  onChange,
  height = 160,
  testId,
}: {
  onChange: (png: Blob | null) => void;
  height?: number;
  testId?: string;
}) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [empty, setEmpty] = useState(true);

  const context = (): CanvasRenderingContext2D | null => canvas.current?.getContext('2d') ?? null;
  const clear = (): void => {
    const c = canvas.current;
    const g = context();
    if (!c || !g) return;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
    setEmpty(true);
  };
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    // draw at the screen's pixel density so the signature is sharp
    const ratio = window.devicePixelRatio || 1;
    c.width = Math.round(c.clientWidth * ratio);
    c.height = Math.round(height * ratio);
    const g = c.getContext('2d');
    if (!g) return;
    g.scale(ratio, ratio);
    g.lineWidth = 2.5;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.strokeStyle = '#000';
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
  }, [height]);

  const point = (e: React.PointerEvent<HTMLCanvasElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const finish = (): void => {
    if (!drawing.current) return;
    drawing.current = false;
    canvas.current?.toBlob((b) => onChange(b), 'image/png');
  };

  return (
    <div>
      <canvas
        ref={canvas}
        data-testid={testId}
        aria-label={t('visit.signHere')}
        style={{
          width: '100%',
          height,
          border: '1px dashed #8c8c8c',
          borderRadius: 6,
          touchAction: 'none',
          background: '#fff',
          display: 'block',
        }}
        onPointerDown={(e) => {
          const g = context();
          if (!g) return;
          e.currentTarget.setPointerCapture(e.pointerId);
          drawing.current = true;
          setEmpty(false);
          const [x, y] = point(e);
          g.beginPath();
          g.moveTo(x, y);
          g.lineTo(x + 0.1, y + 0.1);
          g.stroke();
        }}
        onPointerMove={(e) => {
          const g = context();
          if (!drawing.current || !g) return;
          const [x, y] = point(e);
          g.lineTo(x, y);
          g.stroke();
        }}
        onPointerUp={finish}
        onPointerCancel={finish}
      />
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: 4 }}>
        <span style={{ color: 'rgba(0,0,0,0.65)' }}>{empty ? t('visit.signHere') : t('visit.signed')}</span>
        <Button
          icon={<ClearOutlined />}
          onClick={() => {
            clear();
            onChange(null);
          }}
          disabled={empty}
        >
          {t('visit.signClear')}
        </Button>
      </div>
    </div>
  );
}
