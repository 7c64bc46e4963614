import type { Permission } from './auth/permissions';

/** Every page of the app (README), with the permission that opens it. The shell shows only what the role may open. */
export interface NavItem {
  href: string;
  label: string;
  permission: Permission;
  section: 'Forecasting' | 'Models' | 'Act' | 'Organisation';
}

export const NAV_ITEMS: readonly NavItem[] = [
  { href: '/', label: 'Overview', permission: 'dashboards.read', section: 'Forecasting' },
  { href: '/forecasts', label: 'Forecasts', permission: 'dashboards.read', section: 'Forecasting' },
  { href: '/analysis', label: 'Analysis', permission: 'dashboards.read', section: 'Forecasting' },
  { href: '/data', label: 'Data', permission: 'data.read', section: 'Forecasting' },
  { href: '/models', label: 'Models', permission: 'models.read', section: 'Models' },
  { href: '/experiments', label: 'Experiments', permission: 'models.read', section: 'Models' },
  { href: '/monitoring', label: 'Monitoring', permission: 'models.read', section: 'Models' },
  { href: '/realtime', label: 'Real-time', permission: 'alerts.read', section: 'Models' },
  { href: '/explain', label: 'Explain', permission: 'explain.run', section: 'Act' },
  { href: '/decisions', label: 'Decisions', permission: 'dashboards.read', section: 'Act' },
  { href: '/assistant', label: 'Assistant', permission: 'assistant.use', section: 'Act' },
  // Only the roles that can download a report see the page (viewers and analysts had a page they could not use).
  { href: '/reports', label: 'Reports', permission: 'reports.download', section: 'Act' },
  { href: '/audit', label: 'Audit', permission: 'audit.read', section: 'Organisation' },
  { href: '/admin', label: 'Admin', permission: 'users.manage', section: 'Organisation' },
  { href: '/api-docs', label: 'API', permission: 'dashboards.read', section: 'Organisation' },
  { href: '/settings', label: 'Settings', permission: 'dashboards.read', section: 'Organisation' },
];
