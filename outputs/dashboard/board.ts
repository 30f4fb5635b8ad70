/**
 * The panels of one dashboard, in the order they were declared (`board.panel(stream, name,
 * spec)`), and where their updates go while the dashboard is open.
 */
import { ConfigurationError } from '../../lib/index.js';
import type { Panel } from './panel.js';
import type { PanelState, PanelUpdate } from './panel-spec.js';

/** Where a board's updates go: the dashboard serving the context. */
export type PanelListener = (update: PanelUpdate) => void;

/**
 * The job's panels of one dashboard.
 *
 * @example
 * const board = new PanelBoard((update) => hub.broadcast(update));
 * board.add(new Panel('tweets', { kind: 'line' }));
 */
export class PanelBoard {
  private readonly panels = new Map<string, Panel<unknown>>();

  /** @param listener - where updates go until {@link detach}. */
  constructor(private listener: PanelListener | undefined) {}

  /** @throws ConfigurationError when a panel of the same name exists. */
  assertFree(name: string): void {
    if (this.panels.has(name)) {
      throw new ConfigurationError(
        `dashboard panel: there is already a panel named '${name}' on this dashboard; give each panel its own name`,
      );
    }
  }

  /** Adds a panel (see {@link assertFree}). */
  add(panel: Panel<unknown>): void {
    this.assertFree(panel.name);
    this.panels.set(panel.name, panel);
  }

  /** Every panel's state, in declaration order. */
  states(): PanelState[] {
    return [...this.panels.values()].map((panel) => panel.state());
  }

  /** The dashboard closed: later updates are kept, not sent. */
  detach(): void {
    this.listener = undefined;
  }

  /** Sends an update to the dashboard, if it is open. */
  publish(update: PanelUpdate): void {
    this.listener?.(update);
  }
}
