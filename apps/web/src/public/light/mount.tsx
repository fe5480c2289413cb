/** @jsxImportSource preact */
import { render } from 'preact';
import { PublicPage } from './PublicPage';

/**
 * Renders the car's public page at /e/:code on its own: Preact (a few kB) instead of React and the
 * dashboard's component library, so it opens quickly on a lobby's signal.
 */
export function mount(root: HTMLElement, code: string): void {
  render(<PublicPage code={code} />, root);
}
