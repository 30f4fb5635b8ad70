import type { Observable, Subscription } from 'rxjs';
import { Receiver } from './receiver.js';

/**
 * Receives every value an RxJS Observable emits (`ssc.fromObservable`). An error from the
 * observable restarts the receiver after the back-off, which subscribes again; completion stops
 * it for good.
 *
 * @example
 * const clicks = new Subject<string>();
 * ssc.receiverStream(new ObservableReceiver(clicks)).count().print();
 *
 * Gotchas: a hot source (a `Subject`) loses what it emits between the error and the new
 * subscription; a `Subject` that has errored errors again on every subscription, so wrap the
 * source in `defer(() => makeSource())` if it should recover. A value that cannot be stored (the
 * receiver stopped) is reported on `ssc.events`.
 */
export class ObservableReceiver<T> extends Receiver<T> {
  private subscription: Subscription | undefined;

  /**
   * @param source the observable to subscribe to, once per (re)start.
   * @param name the receiver's name in events. Default `fromObservable`.
   */
  constructor(
    private readonly source: Observable<T>,
    name = 'fromObservable',
  ) {
    super(name);
  }

  onStart(): void {
    this.subscription = this.source.subscribe({
      next: (value) => {
        this.store([value]).catch((error: unknown) => this.reportError('could not store a value', error));
      },
      error: (error: unknown) => this.restart('the observable failed', error),
      complete: () => this.stop('the observable completed'),
    });
  }

  onStop(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }
}
