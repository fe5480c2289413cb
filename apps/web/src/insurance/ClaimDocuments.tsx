import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Space, Table, Upload, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { UploadOutlined } from '@ant-design/icons';
import { authToken, download, type Schemas } from '../api/client';
import { fmtDateTime } from '../ui/format';

const DOCUMENT_KINDS = ['photo', 'invoice', 'medical_report', 'incident_report', 'video', 'other'] as const;

type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The claim's documents: each opens as uploaded (its SHA-256 shown); new ones until the claim ends. */
export function Documents({
  claimId,
  documents,
  finished,
}: {
  claimId: string;
  documents: Schemas['DocumentView'][];
  finished: boolean;
}) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [kind, setKind] = useState<DocumentKind>('photo');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    try {
      const form = new FormData();
      form.append('kind', kind);
      form.append('file', file, file.name);
      const res = await fetch(`/api/v1/claims/${claimId}/documents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${authToken() ?? ''}` },
        body: form,
      });
      if (!res.ok) {
        const body = (await res.json().catch(() => ({}))) as {
          message?: string;
          fields?: Array<{ messages: string[] }>;
        };
        setError(body.fields?.[0]?.messages.join(', ') ?? body.message ?? `${res.status}`);
      }
      await qc.invalidateQueries({ queryKey: ['claim', claimId] });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      size="small"
      title={t('claims.documents', { count: documents.length })}
      data-testid="claim-documents"
    >
      <Table<Schemas['DocumentView']>
        size="small"
        rowKey="id"
        dataSource={documents}
        pagination={false}
        locale={{ emptyText: t('claims.noDocuments') }}
        columns={[
          {
            title: t('claims.document'),
            render: (_, d) => (
              <Space direction="vertical" size={0}>
                <Button
                  type="link"
                  size="small"
                  style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'left' }}
                  onClick={() => void download(`/api/v1/claims/${claimId}/documents/${d.id}`, d.filename)}
                >
                  {d.filename}
                </Button>
                <Typography.Text type="secondary" style={{ fontSize: 12 }} title={`SHA-256 ${d.sha256}`}>
                  {t(`documentKind.${d.kind}`)} · {fmtDateTime(d.uploadedAt)} · {d.uploadedBy}
                </Typography.Text>
              </Space>
            ),
          },
        ]}
      />
      {!finished && (
        <Space wrap style={{ marginTop: 8 }}>
          <Select<DocumentKind>
            value={kind}
            onChange={setKind}
            style={{ width: 150 }}
            options={DOCUMENT_KINDS.map((k) => ({ value: k, label: t(`documentKind.${k}`) }))}
          />
          <Upload
            showUploadList={false}
            accept="image/jpeg,image/png,image/webp,application/pdf,video/mp4"
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={busy} data-testid="claim-upload">
              {t('claims.upload')}
            </Button>
          </Upload>
        </Space>
      )}
      {error && <Alert style={{ marginTop: 8 }} type="error" showIcon message={error} />}
    </Card>
  );
}
