/**
 * The panels of one context, in the order they were declared, and the dashboard that shows them.
 * `toDashboard` adds panels, `dashboard()` attaches; either may come first, both before start.
 */
import { ConfigurationError, type StreamingContext } from '../../lib/index.js';
import type { Panel } from './panel.js';
import type { PanelState, PanelUpdate } from './panel-spec.js';

/** Where a board's updates go: the dashboard serving the context. */
export type PanelListener = (update: PanelUpdate) => void;

/**
 * The job's panels for one context.
 *
 * @example
 * const board = boardOf(ssc);
 * board.add(new Panel('tweets', { kind: 'line' }));
 */
export class PanelBoard {
  private readonly panels = new Map<string, Panel<unknown>>();
  private listener: PanelListener | undefined;
  private dashboard: 'none' | 'open' | 'closed' = 'none';

  /** @throws ConfigurationError when a panel of the same name exists. */
  assertFree(name: string): void {
    if (this.panels.has(name)) {
      throw new ConfigurationError(
        `toDashboard: there is already a panel named '${name}' in this context; give each panel its own name`,
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

  /** True once a dashboard was created for the context (even if it is closed now). */
  get hasDashboard(): boolean {
    return this.dashboard !== 'none';
  }

  /**
   * Connects the context's dashboard.
   * @throws ConfigurationError when the context has one already.
   */
  attach(listener: PanelListener): void {
    if (this.dashboard !== 'none') {
      throw new ConfigurationError(
        'dashboard: this context already has a dashboard; create one per StreamingContext',
      );
    }
    this.dashboard = 'open';
    this.listener = listener;
  }

  /** The dashboard closed: later updates are kept, not sent. */
  detach(): void {
    this.dashboard = 'closed';
    this.listener = undefined;
  }

  /** Sends an update to the dashboard, if it is open. */
  publish(update: PanelUpdate): void {
    this.listener?.(update);
  }
}

const boards = new WeakMap<StreamingContext, PanelBoard>();

/**
 * The panel board of `context`, created on first use. Kept beside the context (a weak map), so
 * `lib/` knows nothing of dashboards and the board goes when the context does.
 *
 * @example
 * boardOf(stream.context).states();
 */
export function boardOf(context: StreamingContext): PanelBoard {
  let board = boards.get(context);
  if (!board) {
    board = new PanelBoard();
    boards.set(context, board);
  }
  return board;
}
