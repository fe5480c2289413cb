import { Card, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { Buildings } from './Buildings';
import { Contracts } from './Contracts';
import { Devices } from './Devices';
import { Elevators } from './Elevators';
import { Organisations } from './Organisations';
import { UnitsAndFlats } from './UnitsAndFlats';
import { Users } from './Users';

/**
 * Enough registry management to set a new customer up without curl: organisations, buildings,
 * units, flats, elevators, devices (the secret shown once, with a copy button), maintenance
 * contracts (a firm sees an elevator while one of its contracts covers it) and users with their
 * bindings. Validation is the API's: its field errors land on the form's fields.
 */
/**
 * Enough registry management to set a new customer up without curl: organisations, buildings,
 * units, flats, elevators, devices (the secret shown once, with a copy button), maintenance
 * contracts (a firm sees an elevator while one of its contracts covers it) and users with their
 * bindings. Validation is the API's: its field errors land on the form's fields.
 */
export default function AdminPage() {
  const { t } = useTranslation();
  return (
    <Card size="small">
      <Tabs
        items={[
          { key: 'orgs', label: t('admin.organisations'), children: <Organisations /> },
          { key: 'buildings', label: t('admin.buildings'), children: <Buildings /> },
          { key: 'units', label: t('admin.unitsFlats'), children: <UnitsAndFlats /> },
          { key: 'elevators', label: t('admin.elevators'), children: <Elevators /> },
          { key: 'devices', label: t('admin.devices'), children: <Devices /> },
          { key: 'contracts', label: t('admin.contracts'), children: <Contracts /> },
          { key: 'users', label: t('admin.users'), children: <Users /> },
        ]}
      />
    </Card>
  );
}
