/** One event for a person, as a consumer receives it. */
export interface PersonEvent {
  /** Whose event it is: events of one person are handled one at a time, in the order published. */
  personKey: string;
  /** The publisher's id of the event (a Discord message or interaction id), unique per event. */
  eventId: string;
  /** What the publisher sent (serialised by it; never logged). */
  payload: string;
}

/**
 * Carries events from the process that receives them (the gateway) to any number of processes
 * that handle them (workers), durably: each event is handled at least once, and a person's
 * events one at a time in the order published, whichever worker takes them.
 */
export interface PersonStream {
  /**
   * Publishes `event`; resolves once the stream holds it. An event id published before (a
   * gateway replaying after a reconnect) is dropped: false.
   */
  publish(event: PersonEvent): Promise<boolean>;
  /**
   * Handles events until stopped: `handle` is called for one event of a person at a time; once
   * it resolves the event is done, and if it throws (or the worker dies) the event is handled
   * again, by this worker or another, before that person's next one.
   */
  consume(handle: (event: PersonEvent) => Promise<void>): PersonStreamConsumer;
  /**
   * Deletes the person's events set aside after failing (they hold the person's words): the
   * person asked to be forgotten. Their events still waiting are answered as usual.
   */
  dropDeadLetters(personKey: string): Promise<number>;
  /** Whether the stream's connections are up now (for `/readyz`). */
  reachable(): boolean;
  /** Closes the stream's connections (after stopping its consumers). */
  close(): Promise<void>;
}

/** A worker's consumption of a PersonStream. */
export interface PersonStreamConsumer {
  /** Stops taking new events; resolves once the event being handled (if any) is done. */
  stop(): Promise<void>;
}
