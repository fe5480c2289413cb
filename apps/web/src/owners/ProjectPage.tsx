import { useQuery } from '@tanstack/react-query';
import { Card, Select, Space, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { QueryView } from '../ui/QueryState';
import { useUser } from '../api/session';
import { Agreement } from './ProjectAgreement';
import { Costs, Issue } from './ProjectCosts';
import { Phases, StartProject } from './ProjectPhases';
import { Vote } from './ProjectVote';
import { type Project } from './text';

/**
 * The owners' agent runs the retrofit project here: phases opened by dated documents, the ballots
 * with the vote's four conditions updating as they are recorded, agreement versions with a preview
 * of each flat's share before one is recorded, cost entries and issuing a month's statement.
 * Owners open the same screen read-only.
 */
export default function ProjectPage() {
  const { t } = useTranslation();
  const user = useUser();
  const projects = useQuery({
    queryKey: ['projects'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/projects', { params: { query: { limit: 100 } } })).items,
  });
  if (user.role === 'agent' && projects.data?.length === 0) return <StartProject />;
  return (
    <QueryView query={projects} isEmpty={(list) => list.length === 0} empty={t('project.none')}>
      {(list) => <Projects list={list} />}
    </QueryView>
  );
}

function Projects({ list }: { list: Project[] }) {
  const { t } = useTranslation();
  const user = useUser();
  const manager = user.role === 'agent' || user.role === 'admin';
  const [selected, setSelected] = useState<string | null>(null);
  const project = list.find((p) => p.id === selected) ?? list[0];
  if (!project) return null;
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="project-page">
      <Card size="small">
        <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
          {list.length > 1 ? (
            <Select
              style={{ minWidth: 280 }}
              value={project.id}
              onChange={setSelected}
              options={list.map((p) => ({ value: p.id, label: p.name }))}
              showSearch
              optionFilterProp="label"
            />
          ) : (
            <Typography.Title level={5} style={{ margin: 0 }}>
              {project.name}
            </Typography.Title>
          )}
          <Tag color="blue" data-testid="project-phase">
            {t(`phase.${project.phase}`)}
          </Tag>
        </Space>
      </Card>
      <Tabs
        defaultActiveKey={project.phase === 'consent_vote' ? 'vote' : 'phases'}
        items={[
          {
            key: 'phases',
            label: t('project.phases'),
            children: <Phases project={project} manager={manager} />,
          },
          { key: 'vote', label: t('project.vote'), children: <Vote project={project} manager={manager} /> },
          {
            key: 'agreement',
            label: t('project.agreement'),
            children: <Agreement project={project} manager={manager} />,
          },
          ...(manager
            ? [
                { key: 'costs', label: t('project.costs'), children: <Costs project={project} /> },
                { key: 'statements', label: t('project.statements'), children: <Issue project={project} /> },
              ]
            : []),
        ]}
      />
    </Space>
  );
}
