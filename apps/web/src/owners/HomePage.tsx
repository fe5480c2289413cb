import { useQuery } from '@tanstack/react-query';
import { FontSizeOutlined } from '@ant-design/icons';
import { Space, Switch } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../api/client';
import { useUser } from '../api/session';
import { useLargeText } from '../ui/largeText';
import { QueryView } from '../ui/QueryState';
import { ElevatorCard } from './HomeElevatorCard';
import { DueCard, Notices } from './HomeNotices';
import { ProjectCard } from './HomeProjectCard';

/**
 * The owner's home: our elevator (is it working, how available it was this month and why it
 * stopped), our project (its phase, the vote, the agreement in force, my construction funding),
 * and the notices that matter to an owner. What I owe each month is on the statements screen.
 */
/** The large-text mode where an elderly owner sees it first, not only in the user menu. */
function LargeTextSwitch() {
  const { t } = useTranslation();
  const user = useUser();
  const [large, setLarge] = useLargeText(user.id);
  return (
    <label
      style={{ display: 'flex', alignItems: 'center', justifyContent: 'flex-end', gap: 8, minHeight: 44 }}
    >
      <FontSizeOutlined aria-hidden />
      <span>{t('app.largeText')}</span>
      <Switch
        checked={large}
        onChange={setLarge}
        data-testid="home-large-text"
        aria-label={t('app.largeTextHint')}
      />
    </label>
  );
}

export default function HomePage() {
  const { t } = useTranslation();
  const fleet = useQuery({
    queryKey: ['fleet', 'mine'],
    refetchInterval: 30_000,
    queryFn: async () => unwrap(await api.GET('/api/v1/fleet', { params: { query: { limit: 20 } } })).items,
  });
  const projects = useQuery({
    queryKey: ['projects'],
    queryFn: async () =>
      unwrap(await api.GET('/api/v1/projects', { params: { query: { limit: 20 } } })).items,
  });
  return (
    <Space direction="vertical" size={12} style={{ width: '100%' }} data-testid="home-page">
      <LargeTextSwitch />
      <DueCard />
      <QueryView query={fleet} isEmpty={(list) => list.length === 0} empty={t('home.noElevator')}>
        {(list) => list.map((e) => <ElevatorCard key={e.elevatorId} e={e} />)}
      </QueryView>
      <QueryView query={projects}>
        {(list) => list.map((p) => <ProjectCard key={p.id} project={p} />)}
      </QueryView>
      <Notices />
    </Space>
  );
}
