import { ScanOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Modal, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';

interface Detector {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}
declare global {
  interface Window {
    BarcodeDetector?: new (o: { formats: string[] }) => Detector;
  }
}

/** The registration code in a scanned QR code (the car's public page link) or typed from its plate. */
export function codeFrom(text: string): string | null {
  const m = /(?:\/e\/|^)([0-9A-Za-z]{20})(?:[/?#]|$)/.exec(text.trim());
  return m?.[1] ?? null;
}

/**
 * 到场: the technician proves being at the car by its code — scanned from the QR code in the car
 * with the phone's camera where the browser can read QR codes, or typed from the plate — which
 * opens the car's technician page where the check-in is recorded against that code.
 */
export function ScanCheckIn({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const video = useRef<HTMLVideoElement>(null);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [scanning, setScanning] = useState(false);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    if (!open || !window.BarcodeDetector || !navigator.mediaDevices?.getUserMedia) return;
    let stream: MediaStream | null = null;
    let stop = false;
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
        if (!video.current) return;
        video.current.srcObject = stream;
        await video.current.play();
        setScanning(true);
        while (!stop) {
          const found = await detector.detect(video.current).catch(() => []);
          const code = found.map((f) => codeFrom(f.rawValue)).find((c) => c !== null);
          if (code) {
            close.current();
            void navigate(`/t/${code}`);
            return;
          }
          await new Promise((r) => setTimeout(r, 300));
        }
      } catch {
        setScanning(false);
      }
    })();
    return () => {
      stop = true;
      for (const track of stream?.getTracks() ?? []) track.stop();
      setScanning(false);
    };
  }, [open, navigate]);

  const go = (): void => {
    const code = codeFrom(typed);
    if (!code) {
      setProblem(t('jobs.codeInvalid'));
      return;
    }
    onClose();
    void navigate(`/t/${code}`);
  };

  return (
    <Modal open={open} onCancel={onClose} footer={null} title={t('jobs.checkInTitle')} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text>{t('jobs.scanHint')}</Typography.Text>
        <video
          ref={video}
          muted
          playsInline
          style={{ width: '100%', maxHeight: 240, background: '#000', display: scanning ? 'block' : 'none' }}
        />
        <Input
          size="large"
          inputMode="text"
          placeholder={t('jobs.typeCode')}
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            setProblem(null);
          }}
          onPressEnter={go}
          data-testid="scan-code-input"
        />
        {problem && <Alert type="error" showIcon message={problem} />}
        <Button type="primary" size="large" block icon={<ScanOutlined />} onClick={go}>
          {t('jobs.openCar')}
        </Button>
      </Space>
    </Modal>
  );
}
