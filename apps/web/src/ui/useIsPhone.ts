import { Grid } from 'antd';

/** Phone-sized screens (below antd's md breakpoint, 768 px) get cards and drawers instead of tables. */
export function useIsPhone(): boolean {
  const screens = Grid.useBreakpoint();
  return screens.md === false;
}
