import type { Observable, Subscription } from 'rxjs';
import { Receiver } from './receiver.js';

/**
 * Receives every value an RxJS Observable emits. An error from the observable restarts the
 * receiver (which subscribes again); completion stops it.
 */
export class ObservableReceiver<T> extends Receiver<T> {
  private subscription: Subscription | undefined;

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
