/**
 * The leader's view of one follower's log. Probe: one append in flight until an answer (finding where the
 * logs agree). Replicate: stream appends optimistically. Snapshot: a snapshot is on its way; wait.
 */
export type ProgressState = "probe" | "replicate" | "snapshot";

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = "probe";
  /** Probe only: an append is in flight, send no more until an answer or a heartbeat response. */
  paused = false;
  pendingSnapshotIndex = 0;
  /** `match` at the previous heartbeat response: no movement across two of them means appends were lost. */
  matchAtLastHeartbeat = -1;
  /** Heard from since the last check-quorum round. */
  recentActive = true;

  constructor(next: number) {
    this.next = next;
  }

  /** Records an acknowledged index; true when `match` moved. */
  maybeUpdate(index: number): boolean {
    this.paused = false;
    const moved = index > this.match;
    if (moved) this.match = index;
    if (this.next < index + 1) this.next = index + 1;
    return moved;
  }

  /**
   * Moves `next` back after a rejection of the append whose prevIndex was `rejected`; false when the
   * rejection is stale (an answer to an older append we already moved past).
   */
  maybeDecrTo(rejected: number, hint: number): boolean {
    if (this.state === "snapshot" || rejected <= this.match) return false;
    if (this.state === "probe" && rejected !== this.next - 1) return false;
    this.next = Math.max(this.match + 1, Math.min(rejected, hint + 1));
    this.state = "probe";
    this.paused = false;
    return true;
  }

  becomeProbe(): void {
    this.state = "probe";
    this.next = this.match + 1;
    this.paused = false;
    this.pendingSnapshotIndex = 0;
  }

  becomeReplicate(): void {
    this.state = "replicate";
    this.next = this.match + 1;
    this.paused = false;
  }

  becomeSnapshot(index: number): void {
    this.state = "snapshot";
    this.pendingSnapshotIndex = index;
    this.paused = true;
  }
}
